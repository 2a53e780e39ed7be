import Foundation
import PromQL
import Testing

/// Runs Prometheus v2.42.0's own PromQL test scripts (testdata/prometheus-v2.42) through the engine.
struct ConformanceTests {
    /// Cases that pass; raise it when a case is fixed, never lower it.
    static let expectedPassed = 390

    /// The only cases allowed to be skipped: they use PromQL outside DESIGN §8 (see the folder's README).
    static let expectedSkippedLines: [String: [Int]] = [
        "aggregators.test": [184, 187, 191, 194, 205, 208, 340, 346, 352, 359, 365, 421, 426],
        "functions.test": [
            224, 228, 232, 236, 242, 428, 450, 461, 482, 496, 612, 615, 618, 626, 629, 640, 645, 650, 655, 660,
            665, 670, 675, 683, 692, 695, 698, 701, 704, 707, 710, 714, 717, 720, 723, 726, 729, 733, 737, 741, 745,
            749, 753, 757, 761, 867, 882, 908, 919, 921, 923, 925, 927, 929, 938, 942, 946, 949, 951, 955, 957,
            961, 964, 967, 969, 971, 974, 983, 987, 991, 995, 999, 1003, 1007, 1011, 1015, 1019, 1023, 1027, 1031,
            1035,
        ],
        "operators.test": [479, 482, 485, 488],
        "selectors.test": [32],
    ]

    static let files = [
        "aggregators.test", "collision.test", "functions.test", "histograms.test", "literals.test",
        "operators.test", "selectors.test", "staleness.test",
    ]

    static func results(_ file: String) throws -> [TestCaseResult] {
        let url = testdataDirectory.appendingPathComponent(file)
        return try PromQLTestScript(parsing: String(contentsOf: url, encoding: .utf8)).run()
    }

    @Test("every case inside the subset passes", arguments: files)
    func fileHasNoFailures(file: String) throws {
        for result in try Self.results(file) {
            if case .failed(let message) = result.outcome {
                Issue.record("\(file):\(result.line): \(result.query)\n\(message)")
            }
        }
    }

    @Test("only cases outside the subset are skipped", arguments: files)
    func skippedCasesAreTheRecordedOnes(file: String) throws {
        let skipped = try Self.results(file).filter {
            if case .skipped = $0.outcome { return true }
            return false
        }
        #expect(skipped.map(\.line) == Self.expectedSkippedLines[file, default: []])
    }

    @Test func totalPassCount() throws {
        let passed = try Self.files.flatMap { try Self.results($0) }.filter(\.passed).count
        #expect(passed == Self.expectedPassed)
    }

    /// The shared copy next to the repository (`../shared/promql-testdata`), when it is there.
    static let sharedDirectory = testdataDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/promql-testdata")

    @Test("the copies are identical to the project's shared test data", arguments: files + ["LICENSE", "NOTICE"])
    func copyIsUnmodified(file: String) throws {
        let shared = Self.sharedDirectory.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: shared.path) else { return }
        let copy = try Data(contentsOf: testdataDirectory.appendingPathComponent(file))
        #expect(copy == (try Data(contentsOf: shared)))
    }

    @Test func skipReasonsNameTheConstruct() throws {
        let reasons = try Self.results("operators.test").compactMap { result -> String? in
            if case .skipped(let reason) = result.outcome { return reason }
            return nil
        }
        #expect(reasons == Array(repeating: "operator \"atan2\"", count: 4))
    }
}

/// The folder of the copied Prometheus test data, next to this source file.
let testdataDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("testdata/prometheus-v2.42")
