// swift-tools-version: 6.0
import PackageDescription

// Guest memory is simulated byte for byte: the page loops must be optimised even in debug
// builds, or every test that boots a guest pays for it many times over.
let engineOptimization: [SwiftSetting] = [.unsafeFlags(["-O"])]

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
        "Hypervisor",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "DequeModule", package: "swift-collections"),
      ],
      swiftSettings: engineOptimization
    ),
    // The engine API: one manager per host, the in-process datacenter, faults, snapshots.
    .target(
      name: "Engine",
      dependencies: [
        "Hypervisor", "Migration", .product(name: "DequeModule", package: "swift-collections"),
      ],
      swiftSettings: engineOptimization
    ),
    .target(name: "LdmCommands", dependencies: ["Hypervisor", "Migration", "Engine"]),
    .target(
      name: "Console",
      dependencies: [
        "Hypervisor", "Migration", "Engine", "LdmCommands",
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .target(name: "ConsoleTerminal", dependencies: ["Console", "CNcursesW"]),
    .executableTarget(
      name: "ldm-console",
      dependencies: [
        "Hypervisor", "Migration", "Engine", "LdmCommands", "Console", "ConsoleTerminal",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .target(
      name: "TestSupport",
      dependencies: ["Hypervisor", "Migration", "Engine", "LdmCommands", "Console"],
      path: "Tests/TestSupport"),
    .testTarget(name: "HypervisorTests", dependencies: ["Hypervisor", "TestSupport"]),
    .testTarget(
      name: "MigrationTests",
      dependencies: ["Hypervisor", "Migration", "Engine", "LdmCommands", "TestSupport"]),
    .testTarget(
      name: "LdmCommandsTests",
      dependencies: ["Hypervisor", "Migration", "Engine", "LdmCommands", "TestSupport"]),
    .testTarget(
      name: "ConsoleTests",
      dependencies: ["Hypervisor", "Migration", "Engine", "LdmCommands", "Console", "TestSupport"]),
    .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
    .testTarget(name: "CompressionTests", dependencies: ["Compression", "CZstd"]),
  ],
  swiftLanguageModes: [.v6]
)
