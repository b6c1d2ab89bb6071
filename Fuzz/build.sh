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

scratch=${FUZZ_SCRATCH:-.build-fuzz}
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

# Line tables are all a report's stack needs (file and line): full debug information would
# cost an eighth more compile time and far larger objects to link.
flags=(-Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address
  -Xswiftc -gline-tables-only -Xcc -gline-tables-only)

# 1. Console and everything below it (LdmCommands, Migration, Hypervisor, Yams, swift-crypto,
#    swift-collections): Swift with coverage and ASan, C (libyaml, BoringSSL) with ASan and
#    coverage too, so the fuzzer also sees branches inside the YAML parser.
swift build -c "$configuration" --scratch-path "$scratch" --target Console "${flags[@]}"
# Compression (step 1 builds it too, for Migration; built here on its own as well so the
# compression target does not depend on that); liblz4 and libzstd are Debian's, not
# instrumented, so the fuzzer sees the Swift side's branches only.
swift build -c "$configuration" --scratch-path "$scratch" --target Compression "${flags[@]}"

# 2. The objects of those modules. Only library modules are built by step 1, but a scratch
#    directory reused for something else could hold a main: leave out executables and tests.
release="$scratch/$configuration"
objects=()
while IFS= read -r object; do objects+=("$object"); done < <(
  find "$release"/ -path '*.build/*' -name '*.o' \
    ! -path '*/ldm_console.build/*' ! -path '*Tests.build/*' ! -path '*/ConsoleTerminal.build/*' \
    ! -path '*-tool.build/*' ! -path '*/TestSupport.build/*' | sort)

# The C modules' maps, so swiftc can load the Swift modules that import them.
maps=()
while IFS= read -r map; do maps+=(-Xcc "-fmodule-map-file=$map" -Xcc "-I$(dirname "$map")"); done < <(
  { find "$scratch/checkouts" -path '*/Sources/*/include/module.modulemap'
    find "$release" -maxdepth 2 -name module.modulemap
    find Sources -maxdepth 2 -name module.modulemap; } | sort)

# 3. One executable per target.
mkdir -p "$scratch/fuzzers"
for target in "${targets[@]}"; do
  echo "linking $scratch/fuzzers/$target"
  # lld: gold warns about every ASan helper symbol it cannot export.
  swiftc -O -parse-as-library -sanitize=fuzzer,address -use-ld=lld \
    -module-name "Fuzz_${target//-/_}" -I "$release/Modules" "${maps[@]}" \
    "$(entry "$target")" "${objects[@]}" -lstdc++ -o "$scratch/fuzzers/$target"
done
