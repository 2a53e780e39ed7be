import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Shell scripts a test writes into a directory of its own and runs through a ``CommandRunner``.
struct Scripts {
    let directory = TestPaths.temporaryDirectory("recovery-commands")

    /// Writes an executable `#!/bin/sh` script named `name` (its process name) and returns its path. Written with
    /// close-on-exec, so that no process started meanwhile holds it open for writing (which fails its exec).
    func write(_ name: String, _ body: String) throws -> String {
        let path = directory + "/" + name
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw POSIXError(.EEXIST) }
        defer { close(descriptor) }
        let bytes = Array(("#!/bin/sh\n" + body + "\n").utf8)
        guard Glibc.write(descriptor, bytes, bytes.count) == bytes.count else { throw POSIXError(.EIO) }
        return path
    }

    /// Child processes of this test process whose name starts with `prefix` that are zombies (ended, not reaped).
    static func zombieChildren(named prefix: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> String? in
            guard Int32(entry) != nil, let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8)
            else { return nil }
            guard let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
            let name = String(stat[stat.index(after: open)..<close])
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, name.hasPrefix(prefix), fields[1] == "Z", Int32(fields[2]) == getpid() else {
                return nil
            }
            return "\(entry) \(name)"
        }
    }

    /// Whether process `pid` still runs (exists and is not a zombie).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }
}
