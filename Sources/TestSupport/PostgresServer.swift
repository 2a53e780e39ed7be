import Foundation

/// A real PostgreSQL server for tests (Debian's `postgresql`): initialised in a fresh temporary folder, listening on
/// a free port of 127.0.0.1 only, with trust authentication for the user `postgres`. Stopped by its PID (fast
/// shutdown, then SIGKILL after a bounded wait) by ``stop()`` or when the value is released, and its folder removed.
///
/// `initdb` and `postgres` refuse to run as root, so when the tests run as root they run as the `postgres` user
/// (`runuser`), which must be able to reach the temporary folder. ``stop()`` and ``start()`` take the same server
/// down and up again on the same port, for tests of an outage.
public final class PostgresServer: @unchecked Sendable {
    // @unchecked: `postmasterPID` is only changed by `start()` and `stop()`, which a test calls from one task.
    /// The folder holding the data directory, the socket and the server's log.
    public let directory: String
    /// The TCP port on 127.0.0.1.
    public private(set) var port: UInt16
    private let binaries: String
    private var postmasterPID: pid_t?

    /// Copies a freshly initialised database cluster and starts the server; returns once it accepts connections.
    /// - Throws: ``PostgresServerError`` with the command's output when PostgreSQL is missing or does not start.
    public init() throws {
        let template = try Self.template.get()
        binaries = template.binaries
        directory = TestPaths.temporaryDirectory("postgres")
        port = try Self.unusedPort()
        try Self.handOver(directory)
        try Self.run("/bin/cp", ["-a", template.dataDirectory, dataDirectory], outputIn: directory)
        // The port was free when picked; another process of the tests may have taken it since (seen as "already in
        // use", and once as a start that failed without saying why on a loaded machine): another port, up to 3 times.
        for attempt in 1...3 {
            do {
                try start()
                return
            } catch let failure as PostgresServerError where attempt < 3 {
                FileHandle.standardError.write(Data("PostgreSQL did not start, trying another port: \(failure)\n".utf8))
                stopLeftover()
                port = try Self.unusedPort()
            }
        }
    }

    /// One cluster made by `initdb` for the whole test process (seconds on a busy machine), copied for each server
    /// (a fraction of a second). It stays in the temporary folder until that is cleared (`scripts/test` removes it).
    private static let template = Result { () throws -> (binaries: String, dataDirectory: String) in
        let binaries = try findBinaries()
        let folder = TestPaths.temporaryDirectory("postgres-template")
        try handOver(folder)
        let data = "\(folder)/data"
        try run(
            "\(binaries)/initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"],
            outputIn: folder)
        return (binaries, data)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A libpq connection string to the server's `postgres` database.
    public var connectionString: String {
        "host=127.0.0.1 port=\(port) user=postgres dbname=postgres"
    }

    /// The server's log so far, for a failing test's message.
    public var log: String {
        (try? String(contentsOfFile: "\(directory)/log", encoding: .utf8)) ?? ""
    }

    private var dataDirectory: String { "\(directory)/data" }

    /// Starts the server (again) on ``port`` and waits until it accepts connections (at most 60 s).
    /// - Throws: ``PostgresServerError`` with `pg_ctl`'s output and the server's log when it does not start.
    public func start() throws {
        let settings = "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off"
        do {
            try Self.run(
                "\(binaries)/pg_ctl",
                ["-D", dataDirectory, "-o", settings, "-l", "\(directory)/log", "-w", "-t", "60", "start"],
                outputIn: directory)
        } catch {
            throw PostgresServerError(message: "\(error)\nserver log:\n\(log)")
        }
        let pidFile = (try? String(contentsOfFile: "\(dataDirectory)/postmaster.pid", encoding: .utf8)) ?? ""
        guard let pid = pid_t(pidFile.split(separator: "\n").first ?? "") else {
            throw PostgresServerError(message: "no PID in \(dataDirectory)/postmaster.pid after start")
        }
        postmasterPID = pid
    }

    /// Stops a server a failed start may have left running (its PID in the data folder), so the next start can lock it.
    private func stopLeftover() {
        let pidFile = (try? String(contentsOfFile: "\(dataDirectory)/postmaster.pid", encoding: .utf8)) ?? ""
        guard let pid = pid_t(pidFile.split(separator: "\n").first ?? "") else { return }
        postmasterPID = pid
        stop()
    }

    /// Stops the server by its PID: a fast shutdown (SIGINT), then SIGKILL if it is still running after 10 s.
    public func stop() {
        guard let pid = postmasterPID else { return }
        postmasterPID = nil
        kill(pid, SIGINT)
        let deadline = Date().addingTimeInterval(10)
        while kill(pid, 0) == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    /// The folder of Debian's PostgreSQL server programs (`initdb`, `pg_ctl`), the newest version installed.
    private static func findBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init)
            .sorted()
        for version in versions.reversed()
        where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        throw PostgresServerError(
            message: "PostgreSQL is not installed (no \(root)/*/bin/initdb): apt-get install -y postgresql")
    }

    /// The `postgres` user's ids, looked up once: `getpwnam` answers in a buffer of its own that a concurrent call
    /// (tests run in parallel) overwrites.
    private static let postgresUser: (uid: uid_t, gid: gid_t)? = {
        guard let user = getpwnam("postgres") else { return nil }
        return (user.pointee.pw_uid, user.pointee.pw_gid)
    }()

    /// Lets the `postgres` user own `folder` when the tests run as root (initdb creates the data directory in it),
    /// and pass through the temporary folder that holds it (`scripts/test` makes one of mode 700 per run: it gains
    /// the others' search bit, not their read bit).
    private static func handOver(_ folder: String) throws {
        guard getuid() == 0 else { return }
        guard let user = postgresUser else {
            throw PostgresServerError(message: "no user postgres to run the server as (apt-get install -y postgresql)")
        }
        let parent = (folder as NSString).deletingLastPathComponent
        var status = stat()
        if stat(parent, &status) == 0, status.st_uid == 0, status.st_mode & 0o001 == 0 {
            guard chmod(parent, (status.st_mode & 0o7777) | 0o011) == 0 else {
                throw PostgresServerError(message: "cannot let the user postgres through \(parent): errno \(errno)")
            }
        }
        guard chown(folder, user.uid, user.gid) == 0, chmod(folder, 0o755) == 0 else {
            throw PostgresServerError(message: "cannot hand \(folder) over to the user postgres: errno \(errno)")
        }
    }

    /// A TCP port of 127.0.0.1 that nothing listens on now.
    /// - Throws: ``PostgresServerError`` when no socket can be bound.
    public static func unusedPort() throws -> UInt16 {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw PostgresServerError(message: "socket: errno \(errno)") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        guard bound else { throw PostgresServerError(message: "cannot find a free port: errno \(errno)") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Runs `program` (as the `postgres` user when the tests run as root) and waits for it, through posix_spawn: the
    /// server `pg_ctl` starts inherits what `pg_ctl` had open, and Foundation's `Process` would wait for it too. Its
    /// output goes to a file in ``directory``, not a pipe, for the same reason.
    /// - Throws: ``PostgresServerError`` with its output when it exits with a status other than 0.
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34 and later), which Swift's Glibc module does not
    /// import.
    private static let addCloseFrom:
        (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else { return nil }
            return unsafeBitCast(
                symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()

    private static func run(_ program: String, _ arguments: [String], outputIn directory: String) throws {
        let outputPath = "\(directory)/\((program as NSString).lastPathComponent).out"
        let argv = (getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", program] : [program]) + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of the test process (hundreds of its sockets and files when tests run in parallel) reaches
        // the server: PostgreSQL counts inherited descriptors against its max_files_per_process (1,000) and refuses
        // to start with fewer than 58 left.
        if let addCloseFrom = Self.addCloseFrom { _ = addCloseFrom(&actions, 3) }
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else {
            throw PostgresServerError(message: "cannot start \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw PostgresServerError(message: "\(argv.joined(separator: " ")) failed (status \(status)):\n\(text)")
        }
    }
}

/// PostgreSQL could not be set up for a test: what failed, with the output that says why.
public struct PostgresServerError: Error, CustomStringConvertible {
    /// What failed and the command's output.
    public var message: String

    public var description: String { message }
}
