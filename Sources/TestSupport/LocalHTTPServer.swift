import Foundation
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 with an ephemeral port, answering each request through a handler
/// (by default the next scripted status code) and recording what it received. One connection at a time;
/// test use only.
public final class LocalHTTPServer: Sendable {
    /// One request as received.
    public struct Request: Sendable {
        /// `POST /hook HTTP/1.1`.
        public var requestLine: String
        /// Header fields, names lowercased.
        public var headers: [String: String]
        /// The body.
        public var body: [UInt8]
        /// When its body had been read.
        public var receivedAt = Date()
    }

    private struct State {
        var statuses: [Int]
        var requests: [Request] = []
    }

    /// Answers one request with a status and a body.
    public typealias Handler = @Sendable (Request) -> (status: Int, body: [UInt8])
    private let handler: Handler?

    /// The port it listens on.
    public let port: UInt16
    private let socket: Int32
    /// Protects the remaining scripted statuses and the recorded requests.
    private let state: Mutex<State>
    /// Set by the first `stop`.
    private let stopped = Atomic<Bool>(false)

    /// Starts listening; requests get `statuses` in turn (then 200), or what `handler` answers.
    public init(statuses: [Int] = [], handler: Handler? = nil) throws {
        state = Mutex(State(statuses: statuses))
        self.handler = handler
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socket, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        self.socket = socket
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// `http://127.0.0.1:<port>/hook`.
    public var url: URL { URL(string: "http://127.0.0.1:\(port)/hook") ?? URL(fileURLWithPath: "/") }

    /// Every request received, in order.
    public var requests: [Request] { state.withLock { $0.requests } }

    /// Stops listening. Only the first call closes the socket: a second `close` could close a descriptor another
    /// thread has opened under the same number since.
    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    private func acceptLoop() {
        while true {
            let connection = accept(socket, nil, nil)
            guard connection >= 0 else { return }
            serve(connection)
            close(connection)
        }
    }

    private func serve(_ connection: Int32) {
        guard let request = read(connection) else { return }
        let scripted = state.withLock { state -> Int in
            state.requests.append(request)
            return state.statuses.isEmpty ? 200 : state.statuses.removeFirst()
        }
        let (status, body) = handler?(request) ?? (scripted, Array("ok".utf8))
        let head =
            "HTTP/1.1 \(status) Scripted\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
            + "Connection: close\r\n\r\n"
        let response = Array(head.utf8) + body
        _ = response.withUnsafeBufferPointer { send(connection, $0.baseAddress, $0.count, 0) }
    }

    private func read(_ connection: Int32) -> Request? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let request = parse(data) { return request }
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            data += buffer[0..<count]
        }
    }

    private func parse(_ data: [UInt8]) -> Request? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = data.indices.first(where: { data[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let body = Array(data[(end + 4)...])
        guard body.count >= length else { return nil }
        return Request(requestLine: head.first ?? "", headers: headers, body: Array(body.prefix(length)))
    }
}
