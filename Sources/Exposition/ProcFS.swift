/// The fields of `/proc/<pid>/stat` that the standard `process_*` metrics need.
public struct ProcessStat: Sendable, Equatable {
    /// Field 14: CPU time spent in user mode, in clock ticks.
    public var userTicks: UInt64
    /// Field 15: CPU time spent in kernel mode, in clock ticks.
    public var systemTicks: UInt64
    /// Field 22: when the process started, in clock ticks after boot.
    public var startTicks: UInt64
    /// Field 23: virtual memory size in bytes.
    public var virtualMemoryBytes: UInt64
    /// Field 24: resident set size in pages.
    public var residentPages: UInt64

    /// Creates a value from its fields.
    public init(
        userTicks: UInt64, systemTicks: UInt64, startTicks: UInt64, virtualMemoryBytes: UInt64, residentPages: UInt64
    ) {
        self.userTicks = userTicks
        self.systemTicks = systemTicks
        self.startTicks = startTicks
        self.virtualMemoryBytes = virtualMemoryBytes
        self.residentPages = residentPages
    }
}

/// Why a `/proc` file could not be read as expected.
public struct ProcFSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var message: String

    /// Creates an error saying `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// Pure parsers for the Linux `/proc` text files behind the `process_*` metrics.
///
/// Reading the files is the caller's job; these functions only interpret their text, so they can be
/// tested with fixtures.
public enum ProcFS {
    /// Parses the text of `/proc/self/stat`.
    ///
    /// The command name (field 2) may contain spaces and parentheses, so fields are counted from
    /// the **last** `)`.
    /// - Throws: ``ProcFSError`` when the text has no `)` or too few numeric fields.
    public static func parseProcStat(_ text: String) throws(ProcFSError) -> ProcessStat {
        guard let close = text.lastIndex(of: ")") else {
            throw ProcFSError("/proc stat: no ')' after the command name")
        }
        // After the command: field 3 (state) is at index 0, so field N is at index N - 3.
        let fields = text[text.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        func field(_ number: Int) throws(ProcFSError) -> UInt64 {
            let index = number - 3
            guard index < fields.count else {
                throw ProcFSError("/proc stat: only \(fields.count + 2) fields, need \(number)")
            }
            let text = fields[index].trimmingCharacters(in: "\n")
            guard let value = UInt64(text) else {
                throw ProcFSError("/proc stat: field \(number) is not a number: \(text)")
            }
            return value
        }
        return ProcessStat(
            userTicks: try field(14), systemTicks: try field(15), startTicks: try field(22),
            virtualMemoryBytes: try field(23), residentPages: try field(24)
        )
    }

    /// Parses the boot time (`btime`, seconds since the epoch) from the text of `/proc/stat`.
    /// - Throws: ``ProcFSError`` when there is no valid `btime` line.
    public static func parseBootTime(_ text: String) throws(ProcFSError) -> UInt64 {
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            guard let seconds = UInt64(line.dropFirst(6).trimmingCharacters(in: " ")) else {
                throw ProcFSError("/proc/stat: btime is not a number: \(line)")
            }
            return seconds
        }
        throw ProcFSError("/proc/stat: no btime line")
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var text = self
        while text.last == set { text.removeLast() }
        while text.first == set { text.removeFirst() }
        return text
    }
}
