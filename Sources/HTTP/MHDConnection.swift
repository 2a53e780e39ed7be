import CMicroHTTPD

/// One access-handler call's view of a libmicrohttpd connection: reads the request and
/// queues the response. Converts between C and Swift types so nothing C leaves this module.
struct MHDConnection {
    private let connection: OpaquePointer
    private let server: ServerContext

    init(_ connection: OpaquePointer, server: ServerContext) {
        self.connection = connection
        self.server = server
    }

    /// Headers have arrived: refuse a head that frames the request ambiguously (400, then the connection closes:
    /// ``MessageFraming``) and a declared body over the limit (413; the connection then closes unread), else ask
    /// for the body.
    func beginRequest(
        _ state: RequestState, method: UnsafePointer<CChar>?, url: UnsafePointer<CChar>?,
        version: UnsafePointer<CChar>?
    ) -> MHD_Result {
        let headers = HTTPHeaders(fields: values(of: .HEADER_KIND))
        state.headers = headers
        let target = url.map { String(cString: $0) } ?? ""
        if let problem = MessageFraming.problem(
            method: method.map { String(cString: $0) } ?? "", target: target,
            version: version.map { String(cString: $0) } ?? "", headers: headers)
        {
            server.watch?.received(connection)
            return queue(server.errorResponse(400, problem), close: true)
        }
        guard let length = headers["Content-Length"].flatMap({ Int($0.split(separator: ",").first ?? "") }) else {
            return .YES
        }
        guard length <= server.maxBodyBytes else {
            server.watch?.received(connection)
            return queue(server.bodyTooLarge())
        }
        state.expectBody(length: length)
        return .YES
    }

    /// Buffers a body chunk; cuts the connection when a client keeps sending far past the limit.
    func receive(_ chunk: UnsafeRawBufferPointer, into state: RequestState) -> MHD_Result {
        state.receive(chunk, limit: server.maxBodyBytes)
        return state.discardedBytes > server.discardAllowance ? .NO : .YES
    }

    /// The request is complete: run the handler (or answer 413) and queue the response. A request handled apart
    /// suspends the connection instead; this is called again once its response is there.
    func finishRequest(_ state: RequestState, method: UnsafePointer<CChar>?, url: UnsafePointer<CChar>?) -> MHD_Result {
        if let slot = state.apartResponse {
            switch slot.take() {
            case .waiting: return .YES
            case .ready(let response): return queue(response, close: false)
            case .failed: return .NO
            }
        }
        server.watch?.received(connection)
        guard !state.isOverLimit else { return queue(server.bodyTooLarge()) }
        let peer = IPAddress.describe(hb_mhd_client_address(connection))
        let target = RequestTarget(url.map { String(cString: $0) } ?? "/") ?? RequestTarget(path: "*")
        var headers = state.headers ?? HTTPHeaders(fields: values(of: .HEADER_KIND))
        if let authority = target.authority { headers = headers.replacing("Host", with: authority) }
        let request = HTTPRequest(
            method: method.map { String(cString: $0) } ?? "",
            rawPath: target.path,
            queryItems: queryParameters(),
            headers: headers,
            body: state.body,
            remoteAddress: peer.text,
            isFromLoopback: peer.isLoopback
        )
        if let apart = server.apart, apart.picks(request) {
            let slot = ApartResponse()
            state.apartResponse = slot
            apart.handle(request, with: server.handler, connection: connection, slot: slot)
            return .YES
        }
        return queue(server.handler.handle(request))
    }

    /// Hands `response` to libmicrohttpd, which copies the body and sends it when it can.
    private func queue(_ response: HTTPResponse, close: Bool = false) -> MHD_Result {
        guard let prepared = PreparedResponse(response) else { return .NO }
        return queue(prepared, close: close)
    }

    /// Queues a response already in libmicrohttpd's form (one made apart, on the lane that handled it).
    private func queue(_ prepared: PreparedResponse, close: Bool) -> MHD_Result {
        prepared.queue(on: connection, closing: close || server.isClosing.load(ordering: .relaxed))
    }

    /// Query arguments as sent (libmicrohttpd has only turned `+` into spaces), decoded here.
    private func queryParameters() -> [(name: String, value: String)] {
        values(of: .GET_ARGUMENT_KIND).compactMap { field in
            guard let name = PercentDecoding.decode(field.name), let value = PercentDecoding.decode(field.value) else {
                return nil
            }
            return (name, value)
        }
    }

    private func values(of kind: MHD_ValueKind) -> [HTTPHeaders.Field] {
        let collector = ValueCollector()
        withExtendedLifetime(collector) {
            _ = MHD_get_connection_values(
                connection, kind, mhdCollectValue, Unmanaged.passUnretained(collector).toOpaque())
        }
        return collector.fields
    }
}
