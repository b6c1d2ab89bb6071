#!/usr/bin/env bash
# CI's bounded fuzzing: builds every target and runs each for a short time on its committed
# corpus. Exits non-zero on a crash, hang, leak or sanitizer report (libFuzzer's own status).
#
#   Fuzz/ci.sh [SECONDS]     seconds per target (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
scratch=${FUZZ_SCRATCH:-.build-fuzz}
targets=(ldm-command run-script scenario scenario-structure theme compression protocol)

Fuzz/build.sh "${targets[@]}"

# Swift's own crash backtracer would fight ASan over the dying process; ASan reports alone.
export SWIFT_BACKTRACE=enable=no

status=0
for target in "${targets[@]}"; do
  # New inputs go to a scratch directory: the committed corpus only changes by hand.
  work=$(mktemp -d)
  artifacts="$scratch/artifacts/$target/"
  mkdir -p "$artifacts"
  echo "fuzzing $target for ${seconds}s"
  if ! "$scratch/fuzzers/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts" \
    "$work" "Fuzz/corpus/$target" 2>"$scratch/artifacts/$target.log"; then
    echo "Fuzz/ci.sh: $target failed; the input is in $artifacts, the log follows" >&2
    tail -n 60 "$scratch/artifacts/$target.log" >&2
    status=1
  else
    grep -E '^(stat::number_of_executed_units|Done)' "$scratch/artifacts/$target.log" || true
  fi
  rm -rf "$work"
done
exit $status
