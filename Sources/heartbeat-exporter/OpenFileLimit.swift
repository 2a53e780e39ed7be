#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process' limit on open files, which must leave room for `--web.max-connections` sockets besides the
/// database and the listening socket. Raised as Go programs raise it (Prometheus among them): the soft limit
/// up to the hard one, when the soft one is too low.
enum OpenFileLimit {
    /// Files the exporter keeps open besides its connections (SQLite, the listener, logs, threads).
    static let reserve = 64

    /// Raises the soft limit to fit `connections` sockets, as far as the hard limit allows; returns the
    /// soft limit in force and whether it fits.
    static func raise(toFit connections: Int) -> (limit: Int, fits: Bool) {
        let needed = rlim_t(connections + reserve)
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return (0, false) }
        if limits.rlim_cur < needed {
            var raised = limits
            raised.rlim_cur = min(max(needed, limits.rlim_cur), limits.rlim_max)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limits = raised }
        }
        let current = Int(clamping: limits.rlim_cur)
        return (current, limits.rlim_cur >= needed)
    }
}
