import HTTP
import Server
import Testing

/// Which requests the exporter handles apart from the HTTP worker threads: the reads that grow with the fleet,
/// not the heartbeats they would otherwise hold up.
struct LongReadsTests {
    @Test(arguments: [
        ("GET", "/metrics", true), ("HEAD", "/metrics", true), ("GET", "/api/v1/agents", true),
        ("POST", "/api/v1/heartbeat", false), ("POST", "/api/v1/heartbeats", false),
        ("GET", "/api/v1/agents/a1", false), ("POST", "/metrics", false), ("GET", "/-/healthy", false),
        ("GET", "/api/v1/query", true), ("POST", "/api/v1/query_range", true), ("POST", "/api/v1/series", true),
        ("GET", "/api/v1/label/agent/values", true), ("GET", "/api/v1/rules", false),
    ])
    func theReadsThatGrowWithTheFleetAreHandledApart(method: String, path: String, apart: Bool) {
        #expect(Exporter.isLongRead(HTTPRequest(method: method, path: path)) == apart)
    }
}
