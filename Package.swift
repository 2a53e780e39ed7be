// swift-tools-version: 6.0
import PackageDescription

/// Settings every Swift target shares: Swift 6 language mode and explicit `any`.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

func module(_ name: String, dependencies: [Target.Dependency] = [], resources: [Resource]? = nil) -> Target {
    .target(name: name, dependencies: dependencies, resources: resources, swiftSettings: strictSettings)
}

func tests(
    _ name: String, dependencies: [Target.Dependency], exclude: [String] = [], resources: [Resource]? = nil
) -> Target {
    .testTarget(
        name: name, dependencies: dependencies, exclude: exclude, resources: resources, swiftSettings: strictSettings)
}

let package = Package(
    name: "heartbeat-exporter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "heartbeat-exporter", targets: ["heartbeat-exporter"]),
        .library(name: "HeartbeatClient", targets: ["HeartbeatClient"]),
        // The modules the fuzz targets call (fuzz/Package.swift, a separate package built with sanitizers).
        .library(
            name: "FuzzableModules",
            targets: [
                "Model", "JSON", "Exposition", "Fleet", "Alerting", "PromQL", "Rules", "YAMLConfig", "HTTP", "Server",
                "TestSupport",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // C bridges: only HTTP imports these.
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libcurl for the client library's https with a private CA, client certificates and basic auth.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // libpq, PostgreSQL's client, for the PostgreSQL storage backend: only Storage imports it.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // crypt(3) for the bcrypt hashes of the web configuration's basic_auth_users.
        .systemLibrary(name: "CCrypt"),
        // glibc's malloc tuning, for the executable's start-up only.
        .systemLibrary(name: "CMalloc"),
        // RE2, the linear-time regex engine of Go's regexp, behind a plain C shim: only Model imports it.
        .target(name: "CRE2", linkerSettings: [.linkedLibrary("re2"), .linkedLibrary("stdc++")]),

        // The bottom: what every layer shares (labels, matchers, time, Go-compatible formatting).
        module("Model", dependencies: ["CRE2"]),

        // Domain modules without I/O.
        module("JSON", dependencies: ["Model"]),
        module("Series", dependencies: ["Model"]),
        module("Exposition", dependencies: ["Model"]),
        module("PromQL", dependencies: ["Model"]),
        // Cron expressions and their next runs in a time zone of the system's tz database.
        module("Cron"),
        // URLSession requests whose cancellation neither hangs nor crashes (webhooks and the client library).
        module("CancellableRequests"),
        module("Fleet", dependencies: ["Model", "Exposition", "JSON", "Cron"]),
        module("YAMLConfig", dependencies: ["Model", .product(name: "Yams", package: "Yams")]),
        module("Alerting", dependencies: ["Model", "JSON", "YAMLConfig", "CancellableRequests"]),
        module("Rules", dependencies: ["Model", "PromQL", "Series", .product(name: "Yams", package: "Yams")]),

        // Services: the rule manager and the alert pipeline, driven by the injected clock.
        module(
            "RuleManager",
            dependencies: [
                "Model", "PromQL", "Series", "Exposition", "Fleet", "Rules", "Alerting",
                .product(name: "Logging", package: "swift-log"),
            ]),
        module(
            "AlertPipeline",
            dependencies: [
                "Model", "Exposition", "Fleet", "Alerting",
                .product(name: "Logging", package: "swift-log"),
            ]),
        module(
            "Recovery",
            dependencies: [
                "Model", "JSON", "YAMLConfig", "Exposition", "Fleet", "Rules", "Alerting",
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Edges: transport, persistence, wiring.
        module("HTTP", dependencies: ["CMicroHTTPD", "CZlib"]),
        module(
            "Storage",
            dependencies: [
                "Model", "Fleet", "JSON", "Rules", "Alerting", "RuleManager", "AlertPipeline", "Recovery", "Cron",
                "CLibPQ", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        module(
            "Server",
            dependencies: [
                "Model", "HTTP", "Exposition", "JSON", "Series", "RuleManager", "AlertPipeline", "Recovery", "Fleet",
                "Storage", "PromQL", "YAMLConfig", "Rules", "Alerting", "CCrypt", "Cron",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "heartbeat-exporter",
            dependencies: [
                "Server", "Model", "Fleet", "JSON", "PromQL", "Rules", "Alerting", "Recovery", "CMalloc",
                "HeartbeatClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // The client library agents link; it depends on none of the server's modules.
        module(
            "HeartbeatClient",
            dependencies: ["CCurl", "CancellableRequests", .product(name: "Logging", package: "swift-log")]),

        // Test helpers shared by the test targets.
        module(
            "TestSupport", dependencies: ["Model", "Fleet", "Alerting", "RuleManager", "AlertPipeline", "Recovery"]),

        tests("ModelTests", dependencies: ["Model"]),
        tests("JSONTests", dependencies: ["JSON"]),
        tests("CronTests", dependencies: ["Cron"]),
        tests("SeriesTests", dependencies: ["Series", "Model", "PromQL"]),
        tests("YAMLConfigTests", dependencies: ["YAMLConfig"]),
        tests(
            "AlertingTests", dependencies: ["Alerting", "TestSupport", "YAMLConfig", "Model"],
            resources: [.copy("testdata")]),
        tests("ExpositionTests", dependencies: ["Exposition", "Model", "TestSupport"], resources: [.copy("testdata")]),
        tests("PromQLTests", dependencies: ["PromQL", "Model", "TestSupport"], resources: [.copy("testdata")]),
        tests("RulesTests", dependencies: ["Rules", "Model", "TestSupport"], resources: [.copy("testdata")]),
        tests("FleetTests", dependencies: ["Fleet", "Model", "TestSupport", "Cron"]),
        tests("HTTPTests", dependencies: ["HTTP"]),
        tests(
            "StorageTests",
            dependencies: [
                "Storage", "TestSupport", "Alerting", "Model", "Fleet", "Rules", "RuleManager", "AlertPipeline",
                "Recovery", "Cron",
            ]),
        tests(
            "ServerTests",
            dependencies: [
                "Server", "RuleManager", "AlertPipeline", "TestSupport", "Recovery", "YAMLConfig", "Rules", "Model",
                "PromQL",
                "Alerting", .product(name: "Logging", package: "swift-log"),
            ]),
        tests(
            "RuleManagerTests",
            dependencies: [
                "RuleManager", "TestSupport", "Rules", "Model", "PromQL", "Series", "Fleet", "Alerting",
                .product(name: "Logging", package: "swift-log"),
            ]),
        tests(
            "AlertPipelineTests",
            dependencies: [
                "AlertPipeline", "Server", "TestSupport", "Rules", "Model", "PromQL", "Alerting", "Fleet", "Exposition",
                "JSON",
                .product(name: "Logging", package: "swift-log"),
            ]),
        tests(
            "RecoveryTests",
            dependencies: [
                "Recovery", "TestSupport", "Model", "Fleet", "Rules", "Alerting", "YAMLConfig", "JSON",
                .product(name: "Logging", package: "swift-log"),
            ]),
        tests("ArchitectureTests", dependencies: []),
        tests(
            "IntegrationTests", dependencies: ["TestSupport", "JSON", "HeartbeatClient", "CancellableRequests"],
            exclude: ["Browser"]),

        // Benchmark: the HTTP transport with a trivial handler (bench/limit/run.sh).
        .executableTarget(
            name: "http-trivial-bench", dependencies: ["HTTP"], path: "bench/limit/swift", swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "regex-bench", dependencies: ["Model"], path: "bench/regex", swiftSettings: strictSettings),
        .executableTarget(
            name: "promql-bench", dependencies: ["PromQL", "Model"], path: "bench/promql", swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "rules-bench",
            dependencies: [
                "RuleManager", "Model", "Fleet", "Rules", "Series", "Storage", "TestSupport", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/rules", swiftSettings: strictSettings),
        // Benchmark: the agents' activity history on disk and in memory (bench/README.md, "Agent activity").
        .executableTarget(
            name: "activity-bench", dependencies: ["Fleet", "Model", "Storage"], path: "bench/activity",
            swiftSettings: strictSettings),
        .executableTarget(
            name: "render-bench", dependencies: ["Fleet", "Model", "Exposition", "JSON"], path: "bench/render",
            swiftSettings: strictSettings),
    ]
)
