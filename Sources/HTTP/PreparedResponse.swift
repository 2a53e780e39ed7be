import CMicroHTTPD
import Dispatch
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// A response in libmicrohttpd's form: made on the thread that produced the response, queued on the connection's
/// pool thread.
///
/// A `/metrics` render handled apart (``ApartHandling``) is 30 MB at 10,000 agents and 315 MB at 100,000: copied
/// on the pool thread when queued, it held up every heartbeat connection of that thread for the copy (the beats'
/// p99 while `/metrics` was scraped back to back). Made on the lane that rendered it, the pool thread only queues it.
/// A body of ``lendingThreshold`` bytes or more is not copied at all: libmicrohttpd sends from the array's own
/// storage, which the response keeps alive until libmicrohttpd destroys it (after the last connection it was
/// queued on is done with it), so a render is never held twice.
final class PreparedResponse: @unchecked Sendable {
    /// Bodies at least this large are lent to libmicrohttpd instead of copied into it. Below it, a copy costs
    /// less than the owner object and callback that lending needs (a heartbeat's reply is a few dozen bytes).
    static let lendingThreshold = 64 * 1024

    /// How many bodies libmicrohttpd holds without a copy right now (each released when its response is
    /// destroyed): what a leak would make grow.
    static var bodiesLent: Int { lentBodies.load(ordering: .relaxed) }
    private static let lentBodies = Atomic<Int>(0)

    /// Owned until ``queue(on:closing:)`` hands it to libmicrohttpd (which then holds its own reference).
    private var response: OpaquePointer?
    private let status: UInt32
    private let isLent: Bool

    /// Makes `response` (status, header fields, body) into a libmicrohttpd response; nil when it is out of memory.
    init?(_ response: HTTPResponse) {
        isLent = response.body.count >= Self.lendingThreshold
        let created = isLent ? Self.lending(response.body) : Self.copying(response.body)
        guard let created else { return nil }
        for (name, value) in response.headers {
            _ = name.withCString { name in value.withCString { MHD_add_response_header(created, name, $0) } }
        }
        self.response = created
        status = UInt32((100...599).contains(response.status) ? response.status : 500)
    }

    deinit {
        if let response { MHD_destroy_response(response) }
    }

    /// Queues the response on `connection` (called on its pool thread, from the access handler), with
    /// `Connection: close` when `closing`; a second call queues nothing.
    func queue(on connection: OpaquePointer?, closing: Bool) -> MHD_Result {
        guard let response else { return .NO }
        self.response = nil
        defer { MHD_destroy_response(response) }
        if closing { _ = MHD_add_response_header(response, "Connection", "close") }
        if isLent, let connection { limitSendBuffer(of: connection) }
        return MHD_queue_response(connection, status, response)
    }

    /// Caps the kernel's send buffer of the socket a lent body goes out on at ``sendBufferBytes``.
    ///
    /// libmicrohttpd hands the kernel all of a lent body that is still unsent in one `send`, and the kernel copies
    /// as much as the socket's send buffer holds, which grows to 4 MB under autotuning: one such call, a
    /// millisecond or more of copying on the pool thread, holds up every heartbeat connection of that thread.
    /// Capped, each call copies at most a few hundred kilobytes and the thread gets back to its other connections.
    private func limitSendBuffer(of connection: OpaquePointer) {
        let socket = hb_mhd_connection_socket(connection)
        guard socket >= 0 else { return }
        Self.limitSendBuffer(ofSocket: socket)
    }

    /// Sets the send buffer of `socket` to ``sendBufferBytes`` (the kernel doubles it for its bookkeeping).
    static func limitSendBuffer(ofSocket socket: Int32) {
        var size = Int32(sendBufferBytes)
        _ = setsockopt(socket, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The send buffer asked for on a connection that sends a lent body: enough to keep a loopback or LAN
    /// transfer of a 30 MB render at full speed (measured: no slower at 10,000 agents), small enough that one
    /// `send` is short.
    static let sendBufferBytes = 128 * 1024

    private static func copying(_ body: [UInt8]) -> OpaquePointer? {
        body.withUnsafeBytes { body in
            MHD_create_response_from_buffer(
                body.count, UnsafeMutableRawPointer(mutating: body.baseAddress), .RESPMEM_MUST_COPY)
        }
    }

    /// A response that sends `body` from its own storage. The owner holds the array unchanged (a `let`), so its
    /// storage is neither moved nor reallocated while libmicrohttpd reads it; the free callback releases the owner.
    private static func lending(_ body: [UInt8]) -> OpaquePointer? {
        let owner = BodyOwner(body)
        let context = Unmanaged.passRetained(owner).toOpaque()
        let created = owner.bytes.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer_with_free_callback_cls(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), releaseLentBody, context)
        }
        guard let created else {
            Unmanaged<BodyOwner>.fromOpaque(context).release()
            return nil
        }
        lentBodies.add(1, ordering: .relaxed)
        return created
    }

    /// Keeps a lent body's storage alive for libmicrohttpd.
    private final class BodyOwner: Sendable {
        let bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    /// libmicrohttpd's free callback of a lent body: called once, when the response is destroyed, on the pool
    /// thread that sent it. The body is freed on a background queue instead: unmapping a 315 MB render (100,000
    /// agents) takes milliseconds that the pool thread's heartbeat connections would wait.
    private static let releaseLentBody: @convention(c) (UnsafeMutableRawPointer?) -> Void = { context in
        guard let context else { return }
        let owner = Unmanaged<BodyOwner>.fromOpaque(context).takeRetainedValue()
        releaseQueue.async {
            withExtendedLifetime(owner) {}  // this block holds the last reference: the body is freed with it
            PreparedResponse.lentBodies.subtract(1, ordering: .relaxed)
        }
    }

    /// Where lent bodies are freed, away from libmicrohttpd's threads.
    private static let releaseQueue = DispatchQueue(label: "lent-body-release", qos: .utility)
}
