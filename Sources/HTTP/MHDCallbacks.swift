import CMicroHTTPD
#if canImport(Glibc)
    import Glibc
#endif

// libmicrohttpd's callbacks. They are free functions, not closures, so they carry no actor
// isolation and may run on any of the daemon's threads.

/// libmicrohttpd's access handler, called several times per request: once when the headers
/// have arrived, once per body chunk, and once with no data when the request is complete.
/// Answering only on that last call keeps the connection alive for the next request.
func mhdAccessHandler(
    cls: UnsafeMutableRawPointer?,
    connection: OpaquePointer?,
    url: UnsafePointer<CChar>?,
    method: UnsafePointer<CChar>?,
    version: UnsafePointer<CChar>?,
    uploadData: UnsafePointer<CChar>?,
    uploadDataSize: UnsafeMutablePointer<Int>?,
    requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    guard let cls, let connection, let uploadDataSize, let requestContext else { return .NO }
    let server = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    let exchange = MHDConnection(connection, server: server)
    guard let stateAddress = requestContext.pointee else {
        let state = RequestState()
        requestContext.pointee = Unmanaged.passRetained(state).toOpaque()
        server.inFlight.add(1, ordering: .relaxed)
        return exchange.beginRequest(state, method: method, url: url, version: version)
    }
    let state = Unmanaged<RequestState>.fromOpaque(stateAddress).takeUnretainedValue()
    let chunkSize = uploadDataSize.pointee
    guard chunkSize == 0 else {
        uploadDataSize.pointee = 0
        return exchange.receive(UnsafeRawBufferPointer(start: uploadData, count: chunkSize), into: state)
    }
    return exchange.finishRequest(state, method: method, url: url)
}

/// Called when a request is over (answered, failed or cut off): releases its state.
func mhdRequestCompleted(
    cls: UnsafeMutableRawPointer?,
    connection: OpaquePointer?,
    requestContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    reason: MHD_RequestTerminationCode
) {
    guard let cls else { return }
    let server = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    if let connection { server.watch?.answered(connection) }
    guard let requestContext, let stateAddress = requestContext.pointee else { return }
    Unmanaged<RequestState>.fromOpaque(stateAddress).release()
    requestContext.pointee = nil
    server.inFlight.subtract(1, ordering: .relaxed)
}

/// Called when a connection opens and when it closes (before libmicrohttpd closes its socket): gives a new TLS
/// connection its client-certificate policy before the handshake, and keeps the server's ``ConnectionWatch`` up
/// to date.
func mhdConnectionChanged(
    cls: UnsafeMutableRawPointer?,
    connection: OpaquePointer?,
    socketContext: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    change: MHD_ConnectionNotificationCode
) {
    guard let cls, let connection else { return }
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    switch change {
    case .CONNECTION_NOTIFY_STARTED:
        if let clientAuth = context.tlsClientAuth { hb_tls_apply_client_auth(connection, clientAuth) }
        context.watch?.opened(connection, socket: hb_mhd_connection_socket(connection))
    case .CONNECTION_NOTIFY_CLOSED: context.watch?.closed(connection)
    @unknown default: break
    }
}

/// Collects header fields and query arguments from `MHD_get_connection_values`.
func mhdCollectValue(
    cls: UnsafeMutableRawPointer?,
    kind: MHD_ValueKind,
    key: UnsafePointer<CChar>?,
    value: UnsafePointer<CChar>?
) -> MHD_Result {
    guard let cls, let key else { return .YES }
    let collector = Unmanaged<ValueCollector>.fromOpaque(cls).takeUnretainedValue()
    collector.fields.append(
        HTTPHeaders.Field(name: String(cString: key), value: value.map { String(cString: $0) } ?? ""))
    return .YES
}

/// The pairs gathered by ``mhdCollectValue(cls:kind:key:value:)``.
final class ValueCollector {
    var fields: [HTTPHeaders.Field] = []
}

/// Receives one of libmicrohttpd's messages, formatted by the shim (`hb_mhd_log`), and hands it to the server's
/// log without its trailing newline; on standard error when the server has no log.
func mhdLog(cls: UnsafeMutableRawPointer?, message: UnsafePointer<CChar>?) {
    guard let message else { return }
    var text = String(decoding: UnsafeRawBufferPointer(start: message, count: strlen(message)), as: UTF8.self)
    while text.last?.isNewline == true { text.removeLast() }
    guard let cls, let log = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().log else {
        let line = Array((text + "\n").utf8)
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        return
    }
    log(text)
}
