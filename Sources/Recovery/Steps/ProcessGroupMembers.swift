import Model

#if canImport(Glibc)
    import Glibc
#endif

/// Whether process group `group` has a member that has not ended. `kill(-group, 0)` alone cannot tell: it also
/// succeeds while the only members left are zombies, such as a command's background children that were
/// orphaned to an init that reaps slowly. Reads the state and group of each process in `/proc/<pid>/stat`.
func processGroupHasLiveMembers(_ group: pid_t) -> Bool {
    guard kill(-group, 0) == 0 else { return false }
    guard let directory = opendir("/proc") else { return true }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
        let name = directoryEntryName(entry)
        guard let pid = Int32(name), let (state, processGroup) = stateAndGroup(of: pid) else { continue }
        if processGroup == group && state != UInt8(ascii: "Z") { return true }
    }
    return false
}

/// The state letter and the process group of `pid`, from `/proc/<pid>/stat` (`pid (comm) S ppid pgrp …`).
private func stateAndGroup(of pid: pid_t) -> (UInt8, pid_t)? {
    let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 512)
    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    guard count > 0, let close = buffer[..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
    let fields = buffer[(close + 1)..<count].split(separator: UInt8(ascii: " "))
    guard fields.count > 2, let state = fields[0].first, let group = Int32(String(decoding: fields[2], as: UTF8.self))
    else { return nil }
    return (state, group)
}
