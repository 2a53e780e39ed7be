import HTTP

/// The HTTP API of DESIGN §4, mapped onto handlers.
struct Routes: Sendable {
    let heartbeats: HeartbeatAPI
    let agents: AgentsAPI
    let metrics: MetricsEndpoint
    let lifecycle: LifecycleAPI
    let rules: RulesAPI
    let alertmanager: AlertmanagerAPI
    let rejections: RejectionsAPI
    let acknowledgements: AcknowledgementsAPI
    let alertHistory: AlertHistoryAPI
    let activity: ActivityAPI
    let query: QueryAPI
    let series: SeriesAPI
    /// `GET /api/v1/status/cluster` (Sources/Server/Cluster).
    let cluster: ClusterAPI
    /// The HTML status page and its files (Sources/Server/Web).
    var statusPage = StatusPage()

    func router() -> Router {
        var router = Router(errorResponse: { APIResponse.error($0, $1) })
        router.post(HeartbeatAPI.singlePath) { request, _ in heartbeats.single(request) }
        router.post(HeartbeatAPI.batchPath) { request, _ in heartbeats.batch(request) }
        router.get("/api/v1/agents") { request, _ in agents.list(request) }
        router.get("/api/v1/agents/{agent}") { _, parameters in agents.get(parameters["agent", default: ""]) }
        router.delete("/api/v1/agents/{agent}") { request, parameters in
            agents.delete(request, parameters["agent", default: ""])
        }
        router.get("/api/v1/agents/{agent}/history") { _, parameters in agents.history(parameters["agent", default: ""])
        }
        router.post("/api/v1/agents/{agent}/kill") { request, parameters in
            agents.kill(request, parameters["agent", default: ""])
        }
        router.post("/api/v1/agents/{agent}/resume") { request, parameters in
            agents.resume(request, parameters["agent", default: ""])
        }
        router.post("/api/v1/agents/{agent}/start") { request, parameters in
            heartbeats.start(request, parameters["agent", default: ""])
        }
        router.post("/api/v1/agents/{agent}/stop") { request, parameters in
            agents.stop(request, parameters["agent", default: ""])
        }
        let maintenance = MaintenanceAPI(
            registry: agents.registry, persistence: agents.persistence, access: agents.access, clock: agents.clock)
        router.post("/api/v1/agents/{agent}/maintenance") { request, parameters in
            maintenance.start(request, parameters["agent", default: ""])
        }
        router.delete("/api/v1/agents/{agent}/maintenance") { request, parameters in
            maintenance.end(request, parameters["agent", default: ""])
        }
        router.post("/api/v1/maintenance") { request, _ in maintenance.startMatching(request) }
        router.get("/api/v1/rejections") { request, _ in rejections.list(request) }
        router.get("/metrics") { request, _ in metrics.handle(request) }
        router.get("/api/v1/rules") { request, _ in rules.rules(request) }
        router.get("/api/v1/alerts") { request, _ in rules.alerts(request) }
        router.post("/api/v1/alerts/acknowledgements") { request, _ in acknowledgements.post(request) }
        router.get("/api/v1/alerts/acknowledgements") { request, _ in acknowledgements.list(request) }
        router.get("/api/v1/activity") { request, _ in activity.agents(request) }
        router.get("/api/v1/activity/fleet") { request, _ in activity.fleet(request) }
        router.get("/api/v1/agents/{agent}/activity") { request, parameters in
            activity.agent(request, parameters["agent", default: ""])
        }
        router.get("/api/v1/alerts/history") { request, _ in alertHistory.episodes(request) }
        router.get("/api/v1/notifications") { request, _ in alertHistory.notifications(request) }
        router.delete("/api/v1/alerts/acknowledgements/{id}") { request, parameters in
            acknowledgements.delete(request, parameters["id", default: ""])
        }
        // Prometheus' query API, GET and (form-encoded) POST alike.
        for method in [HTTPMethod.GET, .POST] {
            router.add(method, "/api/v1/query") { request, _ in query.instant(request) }
            router.add(method, "/api/v1/query_range") { request, _ in query.range(request) }
            router.add(method, "/api/v1/series") { request, _ in series.series(request) }
            router.add(method, "/api/v1/labels") { request, _ in series.labels(request) }
        }
        router.get("/api/v1/label/{name}/values") { request, parameters in
            series.values(request, parameters["name", default: ""])
        }
        router.get(ClusterAPI.path) { request, _ in cluster.status(request) }
        router.get("/api/v2/status") { request, _ in alertmanager.getStatus(request) }
        router.get("/api/v2/alerts") { request, _ in alertmanager.getAlerts(request) }
        router.get("/api/v2/alerts/groups") { request, _ in alertmanager.getAlertGroups(request) }
        router.get("/api/v2/silences") { request, _ in alertmanager.getSilences(request) }
        router.post("/api/v2/silences") { request, _ in alertmanager.postSilence(request) }
        router.get("/api/v2/silence/{id}") { _, parameters in alertmanager.getSilence(parameters["id", default: ""]) }
        router.delete("/api/v2/silence/{id}") { request, parameters in
            alertmanager.deleteSilence(request, parameters["id", default: ""])
        }
        router.get("/-/healthy") { request, _ in lifecycle.healthy(request) }
        router.get("/-/ready") { request, _ in lifecycle.isReady(request) }
        router.post("/-/reload") { request, _ in lifecycle.reload(request) }
        router.put("/-/reload") { request, _ in lifecycle.reload(request) }
        // The status page: GET /, GET /agents/{agent} and the files they load.
        router.get("/") { request, _ in statusPage.fleet(request) }
        router.get("/agents/{agent}") { request, _ in statusPage.agent(request) }
        router.get("/static/{file}") { _, parameters in statusPage.asset(parameters["file", default: ""]) }
        return router
    }
}
