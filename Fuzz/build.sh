#!/usr/bin/env bash
# Builds the libFuzzer targets into .build-fuzz/fuzzers/ (see Fuzz/README.md).
#
#   Fuzz/build.sh [TARGET...]     TARGET: ldm-command run-script scenario scenario-structure
#                                 theme compression protocol (default: all)
#
# SwiftPM cannot link a libFuzzer executable (libFuzzer brings its own main, and the entry
# point must be a @_cdecl("LLVMFuzzerTestOneInput") function), so SwiftPM builds the modules,
# instrumented, and swiftc links each entry file in Fuzz/Targets against their objects.
set -euo pipefail
cd "$(dirname "$0")/.."

# The fuzzers (and Fuzz/ci.sh's artifacts) are always in .build-fuzz; SwiftPM's scratch
# directory is FUZZ_SCRATCH, .build-fuzz by default.
out=.build-fuzz
scratch=${FUZZ_SCRATCH:-$out}
# Debug by default: a cold build takes a fifth less CPU than release (328 s against 420 s
# here) and the targets run within 15 % of release's executions per second, most of a run
# being ASan's and the coverage's. FUZZ_CONFIGURATION=release for long runs.
configuration=${FUZZ_CONFIGURATION:-debug}
all=(ldm-command run-script scenario scenario-structure theme compression protocol)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

entry() {
  case "$1" in
    ldm-command) echo Fuzz/Targets/LdmCommandFuzz.swift ;;
    run-script) echo Fuzz/Targets/RunScriptFuzz.swift ;;
    scenario) echo Fuzz/Targets/ScenarioFuzz.swift ;;
    scenario-structure) echo Fuzz/Targets/ScenarioStructureFuzz.swift ;;
    theme) echo Fuzz/Targets/ThemeFuzz.swift ;;
    compression) echo Fuzz/Targets/CompressionFuzz.swift ;;
    protocol) echo Fuzz/Targets/ProtocolFuzz.swift ;;
    *) echo "Fuzz/build.sh: unknown target '$1' (expected: ${all[*]})" >&2; exit 2 ;;
  esac
}
for target in "${targets[@]}"; do entry "$target" >/dev/null; done

# In its own scratch directory everything is instrumented, from the command line: Swift with
# coverage and ASan, C (libyaml, BoringSSL) with ASan and coverage too, so the fuzzer also sees
# branches inside the YAML parser. Line tables are all a report's stack needs (file and line):
# full debug information would cost an eighth more compile time and far larger objects to link.
#
# In the ordinary scratch directory (FUZZ_SCRATCH=.build, after the test build: CI), only this
# package's modules are compiled again, instrumented through the manifest (LDM_SANITIZER=fuzzer,
# see Package.swift); the packages' objects, Swift and C, are the test build's, uninstrumented:
# ASan then checks our code's memory accesses and the coverage is of our code, and the build
# takes about 4 minutes of CPU here instead of about 9 (swift-crypto's BoringSSL and Yams).
if [ "$(realpath -m "$scratch")" = "$(realpath -m .build)" ]; then
  export LDM_SANITIZER=fuzzer
  flags=()
else
  flags=(-Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address
    -Xswiftc -gline-tables-only -Xcc -gline-tables-only)
fi

# 1. Console and everything below it (LdmCommands, Migration, Hypervisor, Yams, swift-crypto,
#    swift-collections). Compression: step 1 builds it too, for Migration; built here on its own
#    as well so the compression target does not depend on that. liblz4 and libzstd are
#    Debian's, not instrumented, so the fuzzer sees the Swift side's branches only.
swift build -c "$configuration" --scratch-path "$scratch" --target Console ${flags[@]+"${flags[@]}"}
swift build -c "$configuration" --scratch-path "$scratch" --target Compression ${flags[@]+"${flags[@]}"}

# 2. The objects of those modules and of the modules they import, Swift and C, found in
#    SwiftPM's own build plan: the ordinary scratch directory holds every module of the
#    package (tests, executables with a main, the daemon's NIO stack), of which the fuzzers
#    need only these.
built="$scratch/$configuration"
plan="$scratch/$configuration.yaml"
triple=$(basename "$(dirname "$(readlink "$built")")")
command_of() { grep -A5 "^  \"C.$1-$triple-$configuration.module\":" "$plan" || true; }
declare -A modules=()
pending=(Console Compression)
while [ ${#pending[@]} -gt 0 ]; do
  module=${pending[0]}
  pending=("${pending[@]:1}")
  [ -z "${modules[$module]:-}" ] || continue
  modules[$module]=1
  command=$(command_of "$module")
  # Swift modules it imports, from the command's inputs; C modules, from its module maps
  # (a package's C target: Sources/NAME/include/module.modulemap; system libraries have none).
  while IFS= read -r name; do pending+=("$name"); done < <(
    grep -o 'Modules/[A-Za-z0-9_]*\.swiftmodule' <<<"$command" | sed 's|Modules/||; s|\.swiftmodule||' | sort -u)
  while IFS= read -r name; do modules[$name]=1; done < <(
    grep -o 'Sources/[A-Za-z0-9_]*/include/module.modulemap' <<<"$command" | cut -d/ -f2 | sort -u)
done
objects=()
for module in "${!modules[@]}"; do
  [ -d "$built/$module.build" ] || continue
  while IFS= read -r object; do objects+=("$object"); done < <(find "$built/$module.build" -name '*.o')
done
if [ ${#objects[@]} -eq 0 ]; then
  echo "Fuzz/build.sh: no objects found for the modules of Console in $built" >&2
  exit 1
fi
mapfile -t objects < <(printf '%s\n' "${objects[@]}" | sort)

# The C modules' maps, so swiftc can load the Swift modules that import them.
maps=()
while IFS= read -r map; do maps+=(-Xcc "-fmodule-map-file=$map" -Xcc "-I$(dirname "$map")"); done < <(
  { find "$scratch/checkouts" -path '*/Sources/*/include/module.modulemap'
    find "$built" -maxdepth 2 -name module.modulemap
    find Sources -maxdepth 2 -name module.modulemap; } | sort)

# 3. One executable per target, as many at a time as there are cores: each swiftc compiles
#    one small file and links on one thread.
mkdir -p "$out/fuzzers"
link() {
  local target=$1
  # lld: gold warns about every ASan helper symbol it cannot export.
  swiftc -O -parse-as-library -sanitize=fuzzer,address -use-ld=lld \
    -module-name "Fuzz_${target//-/_}" -I "$built/Modules" "${maps[@]}" \
    "$(entry "$target")" "${objects[@]}" -lstdc++ -o "$out/fuzzers/$target"
}
jobs=$(nproc)
declare -A linking=()
failed=0
finish_one() {
  local done status=0
  wait -n -p done "${!linking[@]}" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "Fuzz/build.sh: linking ${linking[$done]} failed" >&2
    failed=1
  fi
  unset "linking[$done]"
}
for target in "${targets[@]}"; do
  while [ "${#linking[@]}" -ge "$jobs" ]; do finish_one; done
  echo "linking $out/fuzzers/$target"
  link "$target" &
  linking[$!]=$target
done
while [ "${#linking[@]}" -gt 0 ]; do finish_one; done
exit "$failed"
