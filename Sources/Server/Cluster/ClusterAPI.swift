import HTTP
import JSON
import Model

/// `GET /api/v1/status/cluster`: the nodes sharing the fleet, each with its last contact, and the leader (issue 20).
struct ClusterAPI: Sendable {
    let source: any ClusterStatusSource
    let clock: any WallClock

    static let path = "/api/v1/status/cluster"

    /// `{"backend","leader","nodes":[{"name","address","startedAt","lastContact","leader","self"}]}`.
    func status(_ request: HTTPRequest) -> HTTPResponse {
        let status = source.status(at: clock.now())
        return APIResponse.success { json in
            json.beginObject()
            json.key("backend")
            json.string(status.backend)
            json.key("leader")
            if let leader = status.leader { json.string(leader) } else { json.null() }
            json.key("nodes")
            json.beginArray()
            for node in status.nodes {
                json.beginObject()
                json.key("name")
                json.string(node.id)
                json.key("address")
                json.string(node.address)
                json.key("startedAt")
                json.rfc3339(node.startedAt)
                json.key("lastContact")
                json.rfc3339(node.lastContact)
                json.key("leader")
                json.bool(node.leader)
                json.key("self")
                json.bool(node.this)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
    }
}
