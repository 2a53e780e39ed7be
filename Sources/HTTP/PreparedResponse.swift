import CMicroHTTPD

/// A response in libmicrohttpd's form, its body copied into it: made on the thread that produced the response,
/// queued on the connection's pool thread.
///
/// A `/metrics` render handled apart (``ApartHandling``) is 30 MB at 10,000 agents and 315 MB at 100,000: copied
/// on the pool thread when queued, it held up every heartbeat connection of that thread for the copy (the beats'
/// p99 while `/metrics` was scraped back to back). Made on the lane that rendered it, the pool thread only queues it.
final class PreparedResponse: @unchecked Sendable {
    /// Owned until ``queue(on:closing:)`` hands it to libmicrohttpd (which then holds its own reference).
    private var response: OpaquePointer?
    private let status: UInt32

    /// Copies `response` (status, header fields, body) into a libmicrohttpd response; nil when it is out of memory.
    init?(_ response: HTTPResponse) {
        let created = response.body.withUnsafeBytes { body in
            MHD_create_response_from_buffer(
                body.count, UnsafeMutableRawPointer(mutating: body.baseAddress), .RESPMEM_MUST_COPY)
        }
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
        return MHD_queue_response(connection, status, response)
    }
}
