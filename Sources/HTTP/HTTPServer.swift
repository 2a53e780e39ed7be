import CMicroHTTPD
import Synchronization
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An HTTP/1.1 server on libmicrohttpd: an epoll loop, a pool of worker threads that call the
/// handler, keep-alive, an idle-connection timeout, a read deadline per request, limits on
/// connections (in all and per client address) and a request-body limit.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(), handler: router)
/// try server.start()
/// // …
/// server.shutdown(gracePeriodSeconds: 10)
/// ```
public final class HTTPServer: Sendable {
    /// Listen address, threads and limits.
    public struct Configuration: Sendable {
        /// The address to listen on: numeric IPv4/IPv6 or a host name.
        public var host: String = "127.0.0.1"
        /// The TCP port; 0 picks a free one (see ``HTTPServer/boundPort``).
        public var port: UInt16 = 9747
        /// Worker threads that read requests and call the handler; defaults to the core count.
        public var threads: Int = HTTPServer.coreCount
        /// Seconds a connection may stay silent (idle keep-alive or a stalled upload) before
        /// it is closed.
        public var connectionTimeoutSeconds: Int = 30
        /// The largest request body accepted; a longer one gets 413.
        public var maxBodyBytes: Int = 65536
        /// The most connections open at once; further clients wait in the listen backlog.
        public var connectionLimit: Int = 1024
        /// The most connections open at once from one client address; a further one is closed as soon
        /// as it is accepted. 0: no limit.
        public var connectionLimitPerClient: Int = 256
        /// How long a request's headers and body may take to arrive, counted from the connection's
        /// opening, or on a kept-alive connection from the previous response plus
        /// ``connectionTimeoutSeconds``; then the connection is closed. Unlike the idle timeout, a
        /// client sending a byte now and then does not restart it. Zero: no such limit.
        public var readTimeout: Duration = .seconds(10)
        /// TLS (certificate, key, client-certificate policy, versions); nil serves plain HTTP.
        public var tls: TLSSettings?
        /// Renders the transport's own error answers (413); defaults to plain text.
        public var errorResponse: @Sendable (Int, String) -> HTTPResponse = { HTTPResponse.text($0, $1) }
        /// Receives libmicrohttpd's own messages, one line each without its newline: a TLS handshake that
        /// failed, a connection or request it refused, a daemon that could not start. Nil leaves them on
        /// standard error.
        public var log: (@Sendable (String) -> Void)?
        /// Picks the requests handled on threads of their own (one per worker thread at most at once) rather
        /// than on the worker thread that read them, which meanwhile serves its other connections: for handlers
        /// that take long, such as a large `/metrics`. Nil: every request on its worker thread.
        public var handledApart: (@Sendable (HTTPRequest) -> Bool)?
        /// Runs first on each thread of ``handledApart``'s requests: the exporter lowers those threads' priority
        /// below the worker threads', so that a render yields the CPU to the heartbeats.
        public var apartThreadSetup: (@Sendable () -> Void)?

        /// Creates the default configuration: 127.0.0.1:9747, one thread per core, 30 s idle
        /// timeout, 10 s read timeout, 64 KiB bodies, 1024 connections of which 256 per client address.
        public init() {}
    }

    /// A started daemon and what must be released when it stops.
    private struct Running {
        let daemon: OpaquePointer
        let context: Unmanaged<ServerContext>
        /// The TLS strings the daemon was started with; nil for plain HTTP.
        let tlsOptions: TLSDaemonOptions?
        /// Where the daemon's messages go, freed after it stopped.
        let logSink: UnsafeMutablePointer<hb_mhd_log_sink>
    }

    private struct State {
        var running: Running?
        /// The bound socket, which outlives a daemon replaced by ``HTTPServer/replaceTLS(_:gracePeriodSeconds:)``.
        var listeningSocket: ListeningSocket?
        /// Closes connections whose request is not read in time, across daemons replaced by TLS rotation.
        var watch: ConnectionWatch?
        var boundPort: UInt16 = 0
        var wasStarted = false
    }

    private let configuration: Configuration
    private let handler: any HTTPHandler
    /// The daemon while it runs, and the port it was bound to.
    private let state = Mutex(State())

    /// Creates a server; nothing listens until ``start()``.
    public init(configuration: Configuration, handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
    }

    deinit {
        shutdown(gracePeriodSeconds: 0)
    }

    /// The port the server listens on, which differs from the configured one when that was 0;
    /// 0 before ``start()``.
    public var boundPort: UInt16 {
        state.withLock { $0.boundPort }
    }

    /// Binds the address and starts serving.
    ///
    /// - Throws: ``HTTPServerError`` naming `host:port` and the cause, e.g. "cannot listen on
    ///   127.0.0.1:9747: Address already in use".
    public func start() throws(HTTPServerError) {
        let address = HTTPServerError.address(host: configuration.host, port: configuration.port)
        try state.withLock { (state) throws(HTTPServerError) in
            guard !state.wasStarted else { throw .alreadyStarted(address: address) }
            let socket = try ListeningSocket(host: configuration.host, port: configuration.port, backlog: 511)
            let watch = ConnectionWatch(
                readTimeout: configuration.readTimeout,
                idleTimeout: .seconds(max(configuration.connectionTimeoutSeconds, 0)))
            guard let running = startDaemon(on: socket, tls: configuration.tls, watch: watch) else {
                close(socket.descriptor)
                throw .daemonStartFailed(address: address)
            }
            watch?.start()
            state.running = running
            state.listeningSocket = socket
            state.watch = watch
            state.boundPort = socket.port
            state.wasStarted = true
        }
    }

    /// Serves new connections with `tls` from now on, on the same socket: a daemon with the new settings
    /// starts, the old one stops accepting, finishes its requests in flight (up to `gracePeriodSeconds`) and
    /// stops. This is how certificates rotate without a restart. When the new daemon cannot start, the old one
    /// goes on serving and this throws.
    ///
    /// - Throws: ``HTTPServerError/daemonStartFailed(address:)``, or ``HTTPServerError/notRunning(address:)``.
    public func replaceTLS(_ tls: TLSSettings?, gracePeriodSeconds: Double) throws(HTTPServerError) {
        let address = HTTPServerError.address(host: configuration.host, port: configuration.port)
        let old = try state.withLock { (state) throws(HTTPServerError) -> Running in
            guard let socket = state.listeningSocket, let old = state.running else {
                throw .notRunning(address: address)
            }
            guard let new = startDaemon(on: socket, tls: tls, watch: state.watch) else {
                throw .daemonStartFailed(address: address)
            }
            // Quiesced under the lock, so a shutdown that follows never closes the socket while the old
            // daemon still polls it.
            quiesce(old)
            state.running = new
            return old
        }
        finish(old, gracePeriodSeconds: gracePeriodSeconds)
    }

    /// Stops the server gracefully: accepts no new connections, lets requests already
    /// received finish for up to `gracePeriodSeconds` (their responses say
    /// `Connection: close`), then closes every connection. Returns once the daemon has
    /// stopped; does nothing when the server is not running.
    ///
    /// Call it from outside the handler (e.g. a signal-handling thread): called from a
    /// handler it would wait for its own request and then for its own worker thread.
    public func shutdown(gracePeriodSeconds: Double) {
        guard
            let (running, socket, watch) = state.withLock({
                state -> (Running, ListeningSocket?, ConnectionWatch?)? in
                defer {
                    state.running = nil
                    state.listeningSocket = nil
                    state.watch = nil
                }
                guard let running = state.running else { return nil }
                quiesce(running)
                return (running, state.listeningSocket, state.watch)
            })
        else { return }
        finish(running, gracePeriodSeconds: gracePeriodSeconds)
        watch?.stop()
        if let socket { close(socket.descriptor) }
    }

    /// Makes a daemon accept no new connections; its responses say `Connection: close` from now on. The
    /// listening socket stays open.
    private func quiesce(_ running: Running) {
        running.context.takeUnretainedValue().isClosing.store(true, ordering: .relaxed)
        _ = MHD_quiesce_daemon(running.daemon)
    }

    /// Stops a quiesced daemon: requests in flight finish (for up to `gracePeriodSeconds`), then every
    /// connection closes.
    private func finish(_ running: Running, gracePeriodSeconds: Double) {
        let context = running.context.takeUnretainedValue()
        waitForInFlightRequests(of: context, upTo: gracePeriodSeconds)
        if let apart = context.apart, !Self.waitUntilResumed(apart, upTo: max(gracePeriodSeconds, 30)) {
            // libmicrohttpd must not stop with a suspended connection: the daemon is left as it is.
            context.log?("a request handled apart did not finish; the daemon is left running")
            return
        }
        MHD_stop_daemon(running.daemon)
        running.logSink.deallocate()
        running.context.release()
        withExtendedLifetime(running.tlsOptions) {}
    }

    /// Requests received and not yet answered; 0 when the server is not running.
    public var inFlightRequests: Int {
        state.withLock { $0.running?.context.takeUnretainedValue().inFlight.load(ordering: .relaxed) ?? 0 }
    }

    /// Starts a daemon on `socket` with its own context; nil when libmicrohttpd refuses (its log says why).
    private func startDaemon(on socket: ListeningSocket, tls: TLSSettings?, watch: ConnectionWatch?) -> Running? {
        let context = Unmanaged.passRetained(
            ServerContext(
                handler: handler,
                maxBodyBytes: max(configuration.maxBodyBytes, 0),
                watch: watch,
                tlsClientAuth: tls?.clientAuth.cValue,
                errorResponse: configuration.errorResponse,
                log: configuration.log,
                apart: configuration.handledApart.map { picks in
                    ApartHandling(lanes: configuration.threads, setup: configuration.apartThreadSetup, picks: picks)
                }
            ))
        let tlsOptions = tls.map(TLSDaemonOptions.init)
        let logSink = UnsafeMutablePointer<hb_mhd_log_sink>.allocate(capacity: 1)
        logSink.initialize(to: hb_mhd_log_sink(callback: mhdLog, cls: context.toOpaque()))
        guard let daemon = startDaemon(on: socket, context: context, logSink: logSink, tlsOptions: tlsOptions)
        else {
            logSink.deallocate()
            context.release()
            return nil
        }
        return Running(daemon: daemon, context: context, tlsOptions: tlsOptions, logSink: logSink)
    }

    private func startDaemon(
        on socket: ListeningSocket, context: Unmanaged<ServerContext>,
        logSink: UnsafeMutablePointer<hb_mhd_log_sink>, tlsOptions: TLSDaemonOptions?
    ) -> OpaquePointer? {
        var flags =
            MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue
            | MHD_USE_ITC.rawValue | MHD_USE_ERROR_LOG.rawValue
        if socket.isIPv6 { flags |= MHD_USE_IPv6.rawValue }
        if tlsOptions != nil { flags |= MHD_USE_TLS.rawValue }
        if context.takeUnretainedValue().apart != nil { flags |= MHD_ALLOW_SUSPEND_RESUME.rawValue }
        return hb_mhd_start_daemon(
            flags,
            socket.descriptor,
            UInt32(clamping: max(configuration.threads, 1)),
            UInt32(clamping: max(configuration.connectionTimeoutSeconds, 0)),
            UInt32(clamping: max(configuration.connectionLimit, 1)),
            UInt32(clamping: max(configuration.connectionLimitPerClient, 0)),
            mhdAccessHandler,
            context.toOpaque(),
            mhdRequestCompleted,
            context.toOpaque(),
            mhdConnectionChanged,
            context.toOpaque(),
            logSink,
            tlsOptions?.items
        )
    }

    private func waitForInFlightRequests(of context: ServerContext, upTo seconds: Double) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(max(seconds, 0)))
        while context.inFlight.load(ordering: .relaxed) > 0, clock.now < deadline {
            usleep(2000)
        }
    }

    /// Waits until no connection is suspended for a request handled apart; false when some still are after
    /// `seconds`.
    private static func waitUntilResumed(_ apart: ApartHandling, upTo seconds: Double) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(seconds))
        while apart.suspended.load(ordering: .relaxed) > 0 {
            guard clock.now < deadline else { return false }
            usleep(2000)
        }
        return true
    }

    /// The number of online processor cores (at least 1).
    public static var coreCount: Int {
        max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
    }
}
