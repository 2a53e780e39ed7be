import Foundation
import Model
import Synchronization

/// This node's name among its peers (host and port) and where it is reached; the port is the one really bound, known
/// once the listener started (`--web.listen-address` may ask for port 0).
final class ClusterIdentity: Sendable {
    private let state: Mutex<(id: String, address: String)>
    private let host: String
    private let externalURL: String?
    /// When this node started.
    let startedAt: Timestamp

    init(host: String, port: UInt16, externalURL: String?, startedAt: Timestamp) {
        self.host = host
        self.externalURL = externalURL
        self.startedAt = startedAt
        state = Mutex(Self.names(host: host, port: port, externalURL: externalURL))
    }

    /// The node's name: its host name and port.
    var id: String { state.withLock { $0.id } }
    /// Its external URL, or the address it listens on.
    var address: String { state.withLock { $0.address } }

    /// Takes the port the listener was bound to.
    func listening(on port: UInt16) {
        state.withLock { $0 = Self.names(host: host, port: port, externalURL: externalURL) }
    }

    private static func names(host: String, port: UInt16, externalURL: String?) -> (id: String, address: String) {
        ("\(ProcessInfo.processInfo.hostName):\(port)", externalURL ?? "http://\(host):\(port)")
    }
}
