#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A response as read off the wire by ``RawClient``.
struct RawResponse {
    let status: Int
    /// Header fields with lower-cased names.
    let headers: [String: String]
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
}

struct RawClientError: Error, CustomStringConvertible {
    let description: String
}

/// A blocking TCP client for 127.0.0.1 that writes raw HTTP/1.1 bytes and parses responses,
/// so tests can control exactly what goes over one connection (keep-alive, stalls, garbage).
final class RawClient {
    private let descriptor: Int32
    private var pending: [UInt8] = []

    /// Connects to 127.0.0.1:`port` (or [::1]:`port`), from the loopback address `source` when given
    /// (e.g. 127.0.0.2, another client to the server); reads give up after `readTimeoutSeconds`.
    init(port: UInt16, ipv6: Bool = false, source: String? = nil, readTimeoutSeconds: Int = 5) throws {
        descriptor = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: readTimeoutSeconds, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // No `close` before a throw: the instance is complete here, so `deinit` runs and closes the descriptor;
        // closing it here as well closed it twice, and the second close could hit a socket another test had just
        // opened under the same number (a live server's listening socket, which libmicrohttpd then aborted on).
        if let source, !Self.bind(descriptor, to: source) {
            throw RawClientError(description: "cannot bind to \(source): errno \(errno)")
        }
        let status = ipv6 ? Self.connectIPv6(descriptor, port: port) : Self.connectIPv4(descriptor, port: port)
        guard status == 0 else {
            throw RawClientError(description: "connect to port \(port) failed: errno \(errno)")
        }
    }

    private static func connectIPv4(_ descriptor: Int32, port: UInt16) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    private static func bind(_ descriptor: Int32, to source: String) -> Bool {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, source, &address.sin_addr) == 1 else { return false }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func connectIPv6(_ descriptor: Int32, port: UInt16) -> Int32 {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = port.bigEndian
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
    }

    deinit {
        close(descriptor)
    }

    /// Writes all of `bytes`.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw RawClientError(description: "send failed: errno \(errno)") }
            offset += written
        }
    }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    /// Reads one response; its body length comes from Content-Length (none when `hasBody` is false).
    func readResponse(hasBody: Bool = true) throws -> RawResponse {
        let head = try readHead()
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw RawClientError(description: "bad status line in \(head)")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            headers[line[..<colon].lowercased()] = String(value)
        }
        let length = hasBody ? Int(headers["content-length"] ?? "0") ?? 0 : 0
        return RawResponse(status: status, headers: headers, body: try readExactly(length))
    }

    /// Whether the server has closed the connection (EOF or reset), waiting up to `milliseconds` for it;
    /// data that arrives meanwhile is dropped.
    func isClosed(waitingMilliseconds milliseconds: Int32) -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, milliseconds) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        return count == 0 || (count < 0 && errno != EAGAIN)
    }

    /// Whether the server closes the connection (EOF or reset) before the read timeout.
    func waitForClose() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }

    private func readHead() throws -> String {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            if let end = pending.firstRange(of: separator) {
                let head = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
                pending.removeSubrange(..<end.upperBound)
                return head
            }
            try fill()
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while pending.count < count { try fill() }
        defer { pending.removeFirst(count) }
        return Array(pending.prefix(count))
    }

    private func fill() throws {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else {
            throw RawClientError(description: count == 0 ? "connection closed" : "recv failed: errno \(errno)")
        }
        pending.append(contentsOf: buffer.prefix(count))
    }
}
