import HTTP
import Synchronization

/// `/-/healthy`, `/-/ready` and `/-/reload`, as Prometheus answers them.
final class LifecycleAPI: Sendable {
    /// Set once storage is loaded and the listener is up.
    let ready: Atomic<Bool>
    let access: AccessControl
    /// Reloads the configuration file; returns nil on success, else what is wrong with the new file.
    let reload: @Sendable () -> String?

    init(access: AccessControl, reload: @escaping @Sendable () -> String?) {
        self.ready = Atomic(false)
        self.access = access
        self.reload = reload
    }

    func healthy(_ request: HTTPRequest) -> HTTPResponse {
        .text(200, "heartbeat-exporter is Healthy.\n")
    }

    func isReady(_ request: HTTPRequest) -> HTTPResponse {
        ready.load(ordering: .acquiring)
            ? .text(200, "heartbeat-exporter is Ready.\n")
            : .text(503, "Service Unavailable\n")
    }

    /// `POST /-/reload` (admin): re-reads the configuration; a bad file keeps the previous one running.
    func reload(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = access.refuseAdmin(request) { return refusal }
        if let problem = reload() {
            return .text(500, "failed to reload config: \(problem)\n")
        }
        return .text(200, "")
    }
}
