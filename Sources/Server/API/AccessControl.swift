import HTTP

/// Who may write: admin writes (kill, resume, delete, reload) and heartbeats (DESIGN §4).
///
/// Without an admin token, admin writes are accepted from loopback only; with one, they need
/// `Authorization: Bearer <token>` from anywhere. An ingest token, when set, guards heartbeats and stops too
/// (the admin token is accepted there as well).
///
/// When the web configuration sets `basic_auth_users`, `Authorization` carries the basic credentials; the token
/// then goes in ``tokenHeader`` (`X-Heartbeat-Token: <token>`), which is accepted at any time.
struct AccessControl: Sendable {
    var adminToken: String?
    var ingestToken: String?

    /// Why a write is refused: the status (401 or 403), the message and the headers to send.
    struct Refusal: Sendable {
        var status: Int
        var message: String
        var headers: [(String, String)] = []
    }

    /// nil when the request may perform an admin write, else the refusal to send.
    func refuseAdmin(_ request: HTTPRequest) -> HTTPResponse? {
        adminRefusal(request).map(Self.response)
    }

    /// nil when the request may push heartbeats, else the refusal to send.
    func refuseIngest(_ request: HTTPRequest) -> HTTPResponse? {
        ingestRefusal(request).map(Self.response)
    }

    /// nil when the request may send heartbeats (and stops), else why not.
    func ingestRefusal(_ request: HTTPRequest) -> Refusal? {
        guard let ingestToken else { return nil }
        return bearerRefusal(request, accepting: [ingestToken] + (adminToken.map { [$0] } ?? []))
    }

    /// nil when the request may perform an admin write, else why not.
    ///
    /// Without a token, loopback is trusted; a web page from another origin that a browser on this host happens
    /// to show never gets here, since ``RequestGuard`` refuses every write carrying a foreign `Origin`.
    func adminRefusal(_ request: HTTPRequest) -> Refusal? {
        guard let adminToken else {
            if request.isFromLoopback { return nil }
            return Refusal(
                status: 403,
                message: "admin endpoints accept requests from loopback only unless --web.admin-token-file is set")
        }
        return bearerRefusal(request, accepting: [adminToken])
    }

    static func response(_ refusal: Refusal) -> HTTPResponse {
        APIResponse.error(refusal.status, refusal.message, headers: refusal.headers)
    }

    /// The header that carries the token beside `Authorization: Basic` (see the type's documentation).
    static let tokenHeader = "X-Heartbeat-Token"

    private func bearerRefusal(_ request: HTTPRequest, accepting tokens: [String]) -> Refusal? {
        let challenge = [("WWW-Authenticate", "Bearer")]
        if let presented = request.headers[Self.tokenHeader] {
            guard tokens.contains(where: { constantTimeEquals($0, presented) }) else {
                return Refusal(status: 401, message: "invalid token in \(Self.tokenHeader)", headers: challenge)
            }
            return nil
        }
        guard let header = request.headers["Authorization"] else {
            return Refusal(
                status: 401,
                message: "missing token: send Authorization: Bearer <token> or \(Self.tokenHeader): <token>",
                headers: challenge)
        }
        let prefix = "Bearer "
        guard header.count > prefix.count, header.lowercased().hasPrefix("bearer ") else {
            return Refusal(
                status: 401,
                message: "missing token: with basic auth (or any Authorization other than Bearer), send it in "
                    + "\(Self.tokenHeader): <token>",
                headers: challenge)
        }
        let presented = String(header.dropFirst(prefix.count))
        guard tokens.contains(where: { constantTimeEquals($0, presented) }) else {
            return Refusal(status: 401, message: "invalid bearer token", headers: challenge)
        }
        return nil
    }

    /// Compares without leaking the position of the first difference through timing.
    private func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8), right = Array(rhs.utf8)
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0 && left.count == right.count
    }
}
