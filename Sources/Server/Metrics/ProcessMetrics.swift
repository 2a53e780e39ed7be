import Exposition
import Model
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The standard `process_*` metrics, as Prometheus' client_golang exposes them on Linux.
///
/// Take a snapshot per scrape with ``collect()`` and write it with ``write(into:)``. A value that
/// cannot be read (not Linux, `/proc` hidden) is `nil` and its family is left out, as client_golang
/// does.
public struct ProcessMetrics: Sendable {
    /// User plus system CPU time, in seconds.
    public var cpuSeconds: Double?
    /// Open file descriptors (entries of `/proc/self/fd`).
    public var openFileDescriptors: Double?
    /// The soft limit on open file descriptors (`RLIMIT_NOFILE`).
    public var maxFileDescriptors: Double?
    /// Virtual memory size, in bytes.
    public var virtualMemoryBytes: Double?
    /// The soft limit on virtual memory (`RLIMIT_AS`); unlimited is 2^64-1, as client_golang reports it.
    public var virtualMemoryMaxBytes: Double?
    /// Resident memory size, in bytes.
    public var residentMemoryBytes: Double?
    /// When the process started, in seconds since the Unix epoch.
    public var startTimeSeconds: Double?

    /// Creates a snapshot from known values (for tests); use ``collect()`` for the real one.
    public init(
        cpuSeconds: Double? = nil, openFileDescriptors: Double? = nil, maxFileDescriptors: Double? = nil,
        virtualMemoryBytes: Double? = nil, virtualMemoryMaxBytes: Double? = nil,
        residentMemoryBytes: Double? = nil, startTimeSeconds: Double? = nil
    ) {
        self.cpuSeconds = cpuSeconds
        self.openFileDescriptors = openFileDescriptors
        self.maxFileDescriptors = maxFileDescriptors
        self.virtualMemoryBytes = virtualMemoryBytes
        self.virtualMemoryMaxBytes = virtualMemoryMaxBytes
        self.residentMemoryBytes = residentMemoryBytes
        self.startTimeSeconds = startTimeSeconds
    }

    /// Reads `/proc/self/stat`, `/proc/stat`, `/proc/self/fd` and the resource limits of this process.
    public static func collect() -> ProcessMetrics {
        var metrics = ProcessMetrics()
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        if let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let stat = try? ProcFS.parseProcStat(text), ticksPerSecond > 0
        {
            metrics.cpuSeconds = Double(stat.userTicks + stat.systemTicks) / ticksPerSecond
            metrics.virtualMemoryBytes = Double(stat.virtualMemoryBytes)
            metrics.residentMemoryBytes = Double(stat.residentPages) * pageSize
            if let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
                let bootTime = try? ProcFS.parseBootTime(text)
            {
                metrics.startTimeSeconds = Double(bootTime) + Double(stat.startTicks) / ticksPerSecond
            }
        }
        metrics.openFileDescriptors = countOpenFileDescriptors()
        metrics.maxFileDescriptors = softLimit(RLIMIT_NOFILE)
        metrics.virtualMemoryMaxBytes = softLimit(RLIMIT_AS)
        return metrics
    }

    /// Writes each available family with client_golang's names and HELP texts, in name order.
    public func write(into writer: inout ExpositionWriter) {
        let families: [(String, MetricType, String, Double?)] = [
            ("process_cpu_seconds_total", .counter, "Total user and system CPU time spent in seconds.", cpuSeconds),
            ("process_max_fds", .gauge, "Maximum number of open file descriptors.", maxFileDescriptors),
            ("process_open_fds", .gauge, "Number of open file descriptors.", openFileDescriptors),
            ("process_resident_memory_bytes", .gauge, "Resident memory size in bytes.", residentMemoryBytes),
            (
                "process_start_time_seconds", .gauge, "Start time of the process since unix epoch in seconds.",
                startTimeSeconds
            ),
            ("process_virtual_memory_bytes", .gauge, "Virtual memory size in bytes.", virtualMemoryBytes),
            (
                "process_virtual_memory_max_bytes", .gauge, "Maximum amount of virtual memory available in bytes.",
                virtualMemoryMaxBytes
            ),
        ]
        for (name, type, help, value) in families {
            guard let value else { continue }
            writer.family(name, type: type, help: help)
            writer.sample(name, .empty, value: value)
        }
    }

    /// The number of entries in `/proc/self/fd` (the directory's own descriptor included, as in procfs).
    private static func countOpenFileDescriptors() -> Double? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = directoryEntryName(entry)
            if name != "." && name != ".." { count += 1 }
        }
        return Double(count)
    }

    /// The soft limit of `resource`; `RLIM_INFINITY` comes out as 2^64-1.
    private static func softLimit(_ resource: __rlimit_resource) -> Double? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0 else { return nil }
        return Double(limit.rlim_cur)
    }
}
