import Model

#if canImport(Glibc)
    import Glibc
#endif

/// How a spawned child is kept from inheriting the exporter's descriptors.
enum DescriptorHygiene: Sendable {
    /// `posix_spawn_file_actions_addclosefrom_np(3)` (glibc 2.34 and later, `close_range` in the child): nothing
    /// above standard error reaches the child, whatever its close-on-exec flag.
    case closeFrom
    /// Before spawning, every open descriptor above standard error is marked close-on-exec (the exporter never
    /// means to pass one on). For a glibc without `addclosefrom_np`.
    case markCloseOnExec

    /// `closeFrom` when this glibc has it.
    static var best: DescriptorHygiene { PosixFunctions.addCloseFrom == nil ? .markCloseOnExec : .closeFrom }
}

/// glibc functions Swift's Glibc module does not import (they are declared under `_GNU_SOURCE`), looked up once.
private enum PosixFunctions {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    static let addCloseFrom: AddCloseFrom? = lookUp("posix_spawn_file_actions_addclosefrom_np")
    static let pipe2: Pipe2? = lookUp("pipe2")

    private static func lookUp<Function>(_ name: String) -> Function? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }
}

/// A spawned child: its process id (also its process group's id) and the read end of its output pipe.
struct SpawnedChild {
    let pid: pid_t
    let output: Int32
}

/// `posix_spawnp` with the runner's settings: its own process group, default signal handling and an empty signal
/// mask, stdin from `/dev/null`, stdout and stderr into one new pipe, no other descriptor of the exporter.
/// - Returns: the child, or the errno of the failure.
func spawnChild(
    _ arguments: [String], environment: [String], hygiene: DescriptorHygiene
) -> Result<SpawnedChild, SpawnFailure> {
    var pipeEnds: [Int32] = [-1, -1]
    guard makePipe(&pipeEnds) == 0 else { return .failure(SpawnFailure(errno: errno)) }
    let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
    defer { close(writeEnd) }
    if hygiene == .markCloseOnExec { markOpenDescriptorsCloseOnExec() }
    var actions = posix_spawn_file_actions_t()
    var attributes = posix_spawnattr_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawnattr_init(&attributes)
    defer {
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attributes)
    }
    posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
    posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    if hygiene == .closeFrom, let addCloseFrom = PosixFunctions.addCloseFrom { _ = addCloseFrom(&actions, 3) }
    configure(&attributes)
    var pid: pid_t = 0
    let status = withCStrings(arguments) { argv in
        withCStrings(environment) { envp in posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp) }
    }
    guard status == 0 else {
        close(readEnd)
        return .failure(SpawnFailure(errno: status))
    }
    return .success(SpawnedChild(pid: pid, output: readEnd))
}

/// A failed `pipe` or `posix_spawnp`.
struct SpawnFailure: Error {
    let errno: Int32
    var message: String { String(cString: strerror(errno)) }
}

/// Own process group; every signal's disposition back to the default; nothing blocked.
private func configure(_ attributes: inout posix_spawnattr_t) {
    resetSignals(in: &attributes, extraFlags: POSIX_SPAWN_SETPGROUP)
    posix_spawnattr_setpgroup(&attributes, 0)
}

/// Sets `attributes` so the child starts with every signal's disposition back to the default and nothing blocked,
/// whatever the exporter ignores or blocks, with `extraFlags` (such as `POSIX_SPAWN_SETPGROUP`) besides.
public func resetSignals(in attributes: inout posix_spawnattr_t, extraFlags: Int32 = 0) {
    var defaults = sigset_t()
    sigfillset(&defaults)
    sigdelset(&defaults, SIGKILL)
    sigdelset(&defaults, SIGSTOP)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &mask)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | extraFlags))
}

/// A pipe whose ends are close-on-exec, atomically with `pipe2` when available.
private func makePipe(_ ends: inout [Int32]) -> Int32 {
    if let pipe2 = PosixFunctions.pipe2 { return pipe2(&ends, O_CLOEXEC) }
    guard pipe(&ends) == 0 else { return -1 }
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    return 0
}

/// Keeps every descriptor above standard error from a child spawned with `actions`: closed in the child
/// (`posix_spawn_file_actions_addclosefrom_np`) when this glibc has it, else marked close-on-exec here first. For
/// commands run on an operator's behalf (`heartbeat-exporter run`), which get standard input, output and error
/// and nothing else, as Go's `os/exec` gives them.
public func keepDescriptorsAboveStandardError(from actions: inout posix_spawn_file_actions_t) {
    if let addCloseFrom = PosixFunctions.addCloseFrom {
        _ = addCloseFrom(&actions, 3)
    } else {
        markOpenDescriptorsCloseOnExec()
    }
}

/// Sets `FD_CLOEXEC` on every descriptor above standard error listed in `/proc/self/fd`.
private func markOpenDescriptorsCloseOnExec() {
    guard let directory = opendir("/proc/self/fd") else { return }
    defer { closedir(directory) }
    let own = dirfd(directory)
    while let entry = readdir(directory) {
        guard let descriptor = Int32(directoryEntryName(entry)), descriptor > 2, descriptor != own else { continue }
        let flags = fcntl(descriptor, F_GETFD)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
    }
}

/// Calls `body` with a NULL-terminated array of C strings copied from `strings`, freed afterwards.
private func withCStrings<Result>(
    _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> Result
) -> Result {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}
