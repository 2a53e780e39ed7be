import Foundation

/// The folder `Tests/RulesTests/testdata`.
let testdataDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("testdata")

/// The package's `rules/` folder with the shipped rule files.
let shippedRulesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("rules")

/// Reads `testdata/<name>` as text.
func testdataText(_ name: String) throws -> String {
    try String(contentsOf: testdataDirectory.appendingPathComponent(name), encoding: .utf8)
}
