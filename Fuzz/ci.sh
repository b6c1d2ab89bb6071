#!/usr/bin/env bash
# CI's bounded fuzzing: builds every target and runs each for a short time on its committed
# corpus. Exits non-zero on a crash, hang, leak or sanitizer report (libFuzzer's own status).
#
#   Fuzz/ci.sh [SECONDS]     seconds per target (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
# Where Fuzz/build.sh puts the fuzzers, whatever its scratch directory (FUZZ_SCRATCH).
out=.build-fuzz
targets=(ldm-command run-script scenario scenario-structure theme compression protocol)

# FUZZ_PREBUILT=1: the targets are already built (.ci/run builds them first, in the test
# build's scratch directory).
if [ "${FUZZ_PREBUILT:-0}" != 1 ]; then Fuzz/build.sh "${targets[@]}"; fi

# Swift's own crash backtracer would fight ASan over the dying process; ASan reports alone.
export SWIFT_BACKTRACE=enable=no

# One libFuzzer process per core at a time: each target is single-threaded, so on CI's two
# cores two targets run side by side in the time of one.
jobs=${FUZZ_JOBS:-$(nproc)}

fuzz() {
  local target=$1
  # New inputs go to a scratch directory: the committed corpus only changes by hand.
  local work
  work=$(mktemp -d)
  local artifacts="$out/artifacts/$target/"
  mkdir -p "$artifacts"
  local status=0
  "$out/fuzzers/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts" \
    "$work" "Fuzz/corpus/$target" 2>"$out/artifacts/$target.log" || status=$?
  rm -rf "$work"
  return $status
}

mkdir -p "$out/artifacts"
declare -A running=()
status=0
report() {
  local pid=$1 result=$2 target=${running[$1]}
  unset "running[$pid]"
  if [ "$result" -eq 0 ]; then
    echo "fuzzed $target for ${seconds}s: $(grep -E '^stat::number_of_executed_units' \
      "$out/artifacts/$target.log" | awk '{print $2}') inputs, no finding"
  else
    echo "Fuzz/ci.sh: $target failed; the input is in $out/artifacts/$target/, the log follows" >&2
    tail -n 60 "$out/artifacts/$target.log" >&2
    status=1
  fi
}
for target in "${targets[@]}"; do
  while [ "${#running[@]}" -ge "$jobs" ]; do
    result=0
    wait -n -p done "${!running[@]}" || result=$?
    report "$done" "$result"
  done
  echo "fuzzing $target for ${seconds}s"
  fuzz "$target" &
  running[$!]=$target
done
while [ "${#running[@]}" -gt 0 ]; do
  result=0
  wait -n -p done "${!running[@]}" || result=$?
  report "$done" "$result"
done
exit $status
