// swift-tools-version: 6.0
import PackageDescription

// The fuzz targets: one executable, linked with libFuzzer and AddressSanitizer, that runs the target named by
// FUZZ_TARGET. A separate package, so that `swift build` and `swift test` of the main package never see it.
// Build and run it with scripts/fuzz (which passes -sanitize=fuzzer,address and its own --scratch-path).
let package = Package(
    name: "heartbeat-exporter-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "heartbeat-exporter", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "heartbeat-fuzz",
            dependencies: [
                .product(name: "FuzzableModules", package: "heartbeat-exporter"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        )
    ]
)
