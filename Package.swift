// swift-tools-version: 6.0
import Foundation
import PackageDescription

let environment = ProcessInfo.processInfo.environment

// Guest memory is simulated byte for byte: the page loops must be optimised even in debug
// builds, or every test that boots a guest pays for it many times over. Not for the fuzzers
// (`Fuzz/build.sh` in the ordinary scratch directory sets LDM_SANITIZER=fuzzer): they parse
// a text or decode a frame per input, where the optimiser buys little, and without it their
// build in CI's scratch directory takes 110 s of CPU here instead of 192 (73 s instead of 151).
let engineOptimization: [SwiftSetting] =
  environment["LDM_SANITIZER"] == "fuzzer" ? [] : [.unsafeFlags(["-O"])]

let package = Package(
  name: "ldm-console",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "ldm-console", targets: ["ldm-console"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
  ],
  targets: [
    // ncursesw without pkg-config: its .pc file carries -D flags that SwiftPM refuses with a
    // warning on every build; the module map links the library and the header is in /usr/include.
    .systemLibrary(
      name: "CNcursesW",
      providers: [.apt(["libncurses-dev"])]
    ),
    // lz4 and zstd the same way: no pkg-config (a .pc file's flags can make SwiftPM warn), the
    // module map links the library and the header is in /usr/include.
    .systemLibrary(name: "CLZ4", providers: [.apt(["liblz4-dev"])]),
    .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
    .target(name: "Compression", dependencies: ["CLZ4", "CZstd"]),
    .target(
      name: "Hypervisor",
      dependencies: [.product(name: "Yams", package: "Yams")],
      swiftSettings: engineOptimization
    ),
    .target(
      name: "Migration",
      dependencies: [
        "Hypervisor", "Compression",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "DequeModule", package: "swift-collections"),
      ],
      swiftSettings: engineOptimization
    ),
    // The engine API: one manager per host, the in-process datacenter, faults, snapshots.
    .target(
      name: "Engine",
      dependencies: [
        "Hypervisor", "Migration", "Compression",
        .product(name: "DequeModule", package: "swift-collections"),
      ],
      swiftSettings: engineOptimization
    ),
    .target(
      name: "LdmCommands", dependencies: ["Hypervisor", "Migration", "Engine", "Compression"]),
    .target(
      name: "Console",
      dependencies: [
        "Hypervisor", "Migration", "Engine", "LdmCommands", "Compression",
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .target(name: "ConsoleTerminal", dependencies: ["Console", "CNcursesW"]),
    // The transport under the migration protocol (issue 11): framing, mutual TLS and the
    // certificates for it. Nothing of the engine: it carries frames it does not interpret.
    .target(
      name: "Network",
      dependencies: [
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOTLS", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "X509", package: "swift-certificates"),
        .product(name: "SwiftASN1", package: "swift-asn1"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]
    ),
    // ldmd: one host's manager on the wall clock, migrations to and from other daemons over
    // TCP (and TLS), and the control connections of consoles attached to it.
    .target(
      name: "Daemon",
      dependencies: [
        "Hypervisor", "Migration", "Engine", "LdmCommands", "Network",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "DequeModule", package: "swift-collections"),
      ]
    ),
    .executableTarget(
      name: "ldm-console",
      dependencies: [
        "Hypervisor", "Migration", "Engine", "LdmCommands", "Console", "ConsoleTerminal",
        "Network", "Daemon",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "DequeModule", package: "swift-collections"),
      ]
    ),
    .target(
      name: "TestSupport",
      dependencies: ["Hypervisor", "Migration", "Engine", "LdmCommands", "Console", "Compression"],
      path: "Tests/TestSupport"),
    .testTarget(name: "HypervisorTests", dependencies: ["Hypervisor", "TestSupport"]),
    .testTarget(
      name: "MigrationTests",
      dependencies: [
        "Hypervisor", "Migration", "Engine", "LdmCommands", "TestSupport", "Compression",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .testTarget(
      name: "LdmCommandsTests",
      dependencies: ["Hypervisor", "Migration", "Engine", "LdmCommands", "TestSupport"]),
    .testTarget(
      name: "ConsoleTests",
      dependencies: [
        "Hypervisor", "Migration", "Engine", "LdmCommands", "Console", "TestSupport", "Compression",
      ]),
    .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
    .testTarget(
      name: "DaemonTests",
      dependencies: [
        "Daemon", "Network", "Engine", "Hypervisor", "Migration", "LdmCommands", "TestSupport",
        "ldm-console", "Compression",
      ]
    ),
    .testTarget(name: "CompressionTests", dependencies: ["Compression", "CZstd"]),
    // A framed echo server and client, run inside network namespaces by the tests that need
    // a second process on the other end of a veth pair.
    .executableTarget(name: "frame-echo", dependencies: ["Network"], path: "Tests/FrameEcho"),
    .testTarget(
      name: "NetworkTests",
      dependencies: [
        "Network", "TestSupport", "frame-echo",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)

// `Scripts/sanitize.sh thread` sets LDM_SANITIZER=thread: ThreadSanitizer instruments this
// package's modules, and with them the packages' inlinable code compiled into them (most of
// swift-collections, NIO's generic code). The packages' own objects are the ordinary build's,
// reused, not compiled a second time: their locks are pthread's, which TSan's interceptors
// see in any code. This takes more than half of the Swift compilation out of a TSan build.
//
// `Fuzz/build.sh` in the ordinary scratch directory (what CI does) sets LDM_SANITIZER=fuzzer:
// libFuzzer's coverage and AddressSanitizer for this package's modules only, the packages'
// objects again the ordinary build's. (In its own scratch directory it instruments everything,
// libyaml included, from the command line.)
let sanitizerFlags: [String: [String]] = [
  "thread": ["-sanitize=thread", "-gline-tables-only"],
  "fuzzer": ["-sanitize=fuzzer,address", "-gline-tables-only"],
]
if let sanitizer = environment["LDM_SANITIZER"], let flags = sanitizerFlags[sanitizer] {
  for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(flags)]
    if sanitizer == "thread" {
      target.linkerSettings = (target.linkerSettings ?? []) + [.unsafeFlags(["-sanitize=thread"])]
    }
  }
}

// `Scripts/sanitize.sh` with a FILTER sets LDM_TEST_TARGETS to the test targets the filter
// names: a sanitizer's build compiles this package's modules again, instrumented, and the
// test targets it would not run are left out of it (CI's set: five of eight; here the build
// took 199-219 s against 220 s, within this machine's noise).
if let kept = environment["LDM_TEST_TARGETS"] {
  let names = Set(kept.split(separator: ",").map(String.init))
  package.targets.removeAll { $0.type == .test && !names.contains($0.name) }
}
