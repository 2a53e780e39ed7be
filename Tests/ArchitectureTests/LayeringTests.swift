import Foundation
import Testing

/// The module map of ARCHITECTURE.md, checked against the `import` lines of every source file: a module imports
/// only modules of lower layers, so nothing low depends on something high.
struct LayeringTests {
    /// The project's modules by layer, bottom first. A module may import modules of lower layers only.
    static let layers: [[String]] = [
        ["CMicroHTTPD", "CZlib", "CMalloc", "CRE2", "CCrypt", "CCurl", "CLibPQ"],
        ["Model"],
        ["JSON", "HTTP", "Exposition", "Series", "PromQL", "YAMLConfig", "Cron", "CancellableRequests"],
        ["Fleet", "Rules", "Alerting"],
        ["RuleManager", "AlertPipeline", "Recovery"],
        ["Storage"],
        ["Server"],
        ["heartbeat-exporter"],
    ]

    /// Modules outside the stack: the client library agents link imports no server module, and the test
    /// helpers may use every layer below the wiring.
    static let standalone: [String: Set<String>] = [
        "HeartbeatClient": ["CCurl", "CancellableRequests"],
        "TestSupport": Set(layers[0..<5].joined()),
    ]

    /// The executable links the client library for `beat` and `demo`.
    static let allowedExtra: [String: Set<String>] = ["heartbeat-exporter": ["HeartbeatClient"]]

    static var projectModules: Set<String> {
        Set(layers.joined()).union(standalone.keys)
    }

    static func layer(of module: String) -> Int? {
        layers.firstIndex { $0.contains(module) }
    }

    /// The project modules each Swift file of `module` imports, with the file's name.
    static func imports(of module: String) throws -> [(file: String, module: String)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/\(module)")
        guard let files = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var found: [(String, String)] = []
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
                    words[..<index].allSatisfy({ $0.hasPrefix("@") || ["public", "internal", "package"].contains($0) })
                else { continue }
                let imported = String(words[index + 1])
                if projectModules.contains(imported) { found.append(("\(module)/\(file)", imported)) }
            }
        }
        return found
    }

    @Test(arguments: layers.joined().filter { !$0.hasPrefix("C") })
    func aModuleImportsOnlyLowerLayers(module: String) throws {
        let own = try #require(Self.layer(of: module))
        for (file, imported) in try Self.imports(of: module) {
            if Self.allowedExtra[module]?.contains(imported) == true { continue }
            let theirs = Self.layer(of: imported)
            #expect(theirs.map { $0 < own } == true, "\(file) imports \(imported), which is not below \(module)")
        }
    }

    @Test(arguments: Array(standalone.keys))
    func standaloneModulesImportOnlyWhatTheyMay(module: String) throws {
        let allowed = Self.standalone[module] ?? []
        for (file, imported) in try Self.imports(of: module) {
            #expect(allowed.contains(imported), "\(file) imports \(imported)")
        }
    }

    @Test func onlyModelTouchesRE2() throws {
        for module in Self.layers.joined() where module != "Model" && !module.hasPrefix("C") {
            #expect(try Self.imports(of: module).allSatisfy { $0.module != "CRE2" }, "\(module) imports CRE2")
        }
    }

    @Test func onlyHTTPTouchesLibmicrohttpd() throws {
        for module in Self.layers.joined() where module != "HTTP" && !module.hasPrefix("C") {
            #expect(
                try Self.imports(of: module).allSatisfy { $0.module != "CMicroHTTPD" }, "\(module) imports CMicroHTTPD")
        }
    }

    @Test func onlyStorageTouchesLibpq() throws {
        for module in Self.layers.joined() where module != "Storage" && !module.hasPrefix("C") {
            #expect(try Self.imports(of: module).allSatisfy { $0.module != "CLibPQ" }, "\(module) imports CLibPQ")
        }
    }

    @Test func everySourceFolderIsOnTheMap() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let folders = try FileManager.default.contentsOfDirectory(atPath: sources.path)
        #expect(
            Set(folders) == Self.projectModules, "a module is missing from the map in LayeringTests and ARCHITECTURE.md"
        )
    }
}
