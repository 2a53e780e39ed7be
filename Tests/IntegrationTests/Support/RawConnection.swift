import Foundation
import TestSupport

/// A raw TCP connection to loopback, for what URLSession cannot do: send half a request and stall.
final class RawConnection: Sendable {
    private let descriptor: Int32

    init(port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        // No `close` here: the instance is complete, so `deinit` runs on the throw and closes it (closing it here
        // too would close a number another thread may already have reused).
        guard connected else {
            throw TestFailure("cannot connect to 127.0.0.1:\(port)")
        }
    }

    /// Writes `text`. A test's requests are far smaller than the socket's send buffer, so this does not block.
    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// Reads until the peer closes or `timeout` seconds pass; returns what arrived and whether it closed. The
    /// reads block a thread of their own (`offPool`), not one of the test process's pool threads.
    func readUntilClosed(timeout: Double) async -> (text: String, closed: Bool) {
        await offPool("raw-connection-read") { self.readUntilClosedBlocking(timeout: timeout) }
    }

    /// `readUntilClosed` on the calling thread: only for code already running on a thread of its own.
    func readUntilClosedBlocking(timeout: Double) -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<count]
        }
        return (String(decoding: received, as: UTF8.self), false)
    }

    deinit { close(descriptor) }
}
