import HTTP
import Synchronization

/// `/-/healthy`, `/-/ready` and `/-/reload`, as Prometheus answers them.
final class LifecycleAPI: Sendable {
    /// Set once storage is loaded and the listener is up.
    let ready: Atomic<Bool>
    let access: AccessControl
    /// Reloads the configuration file and its rule files; returns nil on success, else what is wrong with them (a
    /// reload can only fail on a bad file).
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

    /// `POST /-/reload` (admin): re-reads the configuration and its rule files; a bad file keeps the previous ones
    /// running and answers 400 with what is wrong (the configuration's error, or each rule file problem as
    /// `rules check` prints it).
    func reload(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = access.refuseAdmin(request) { return refusal }
        if let problem = reload() {
            return .text(400, "failed to reload config: \(problem)")
        }
        return .text(200, "")
    }
}
