import Foundation

/// Paths tests need: the package root, a fresh temporary directory.
public enum TestPaths {
    /// The package root, found from this file's location.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// A new empty directory under the system's temporary directory.
    public static func temporaryDirectory(_ prefix: String = "heartbeat-exporter-test") -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
