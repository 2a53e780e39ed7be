import Alerting
import Model
import PromQL
import Testing

/// Route matching over an inline tree, as Alertmanager's `dispatch/route_test.go` does it.
struct RouteTests {
    static let tree = """
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 10s
          routes:
            - matchers: ['severity="critical"', 'agent=~"order-.*"']
              receiver: orders-pager
              continue: true
              group_wait: 1s
            - matchers: [team=storage]
              receiver: storage
              group_by: [agent]
              repeat_interval: 1h
              routes:
                - matchers: ['env!="prod"']
                  receiver: storage-dev
                  group_by: ['...']
                - match_re: {env: prod|staging}
                  group_interval: 1m
            - match: {agent: order-7}
              receiver: order-seven
            - matchers: [team=~"ops|sre"]
              receiver: ops
              continue: true
            - matchers: [team=sre]
              receiver: sre
        receivers:
          - name: default
          - name: orders-pager
          - name: storage
          - name: storage-dev
          - name: order-seven
          - name: ops
          - name: sre
        """

    static func root() throws -> Route {
        guard let config = try alertingConfig(tree) else { throw MatcherError("no config") }
        return Route(config.route)
    }

    @Test(arguments: [
        ("alertname=X", ["default"]),
        ("agent=order-1,severity=critical", ["orders-pager"]),  // continue, but nothing else matches
        ("agent=order-7,severity=critical", ["orders-pager", "order-seven"]),  // continue reaches the sibling
        ("agent=order-7,severity=warning", ["order-seven"]),
        ("team=storage,env=dev", ["storage-dev"]),
        ("team=storage,env=prod", ["storage"]),  // the match_re child inherits its parent's receiver
        ("team=storage,env=", ["storage-dev"]),  // env!="prod" matches a missing env
        ("team=sre", ["ops", "sre"]),
        ("team=ops", ["ops"]),  // continue, no further match: only ops
        // storage has no continue:
        ("team=storage,agent=order-7,severity=critical,env=prod", ["orders-pager", "storage"]),
    ])
    func routesLabelsToReceivers(labelText: String, receivers: [String]) throws {
        #expect(try Self.root().match(labels(labelText)).map(\.options.receiver) == receivers)
    }

    @Test func childrenInheritTheirParentsOptions() throws {
        let root = try Self.root()
        #expect(
            root.options
                == RouteOptions(
                    receiver: "default", groupBy: ["alertname"], groupByAll: false,
                    groupWait: .seconds(10), groupInterval: .minutes(5),
                    repeatInterval: .hours(4)))
        let storageProd = try #require(root.match(labels("team=storage,env=prod")).first)
        #expect(
            storageProd.options
                == RouteOptions(
                    receiver: "storage", groupBy: ["agent"], groupByAll: false,
                    groupWait: .seconds(10), groupInterval: .minutes(1),
                    repeatInterval: .hours(1)))
        let storageDev = try #require(root.match(labels("team=storage,env=dev")).first)
        #expect(storageDev.options.groupByAll)
        #expect(storageDev.groupLabels(labels("team=storage,env=dev,x=1")) == labels("team=storage,env=dev,x=1"))
        let pager = try #require(root.match(labels("agent=order-1,severity=critical")).first)
        #expect(pager.options.groupWait == .seconds(1))
        #expect(pager.groupLabels(labels("agent=order-1,severity=critical,alertname=A")) == labels("alertname=A"))
    }

    @Test func defaultsAreAlertmanagers() throws {
        let config = try #require(try alertingConfig("route: {receiver: r}\nreceivers: [{name: r}]"))
        #expect(
            Route(config.route).options
                == RouteOptions(
                    receiver: "r", groupBy: [], groupByAll: false,
                    groupWait: .seconds(30), groupInterval: .minutes(5),
                    repeatInterval: .hours(4)))
    }

    /// The keys match the group keys the real Alertmanager printed for `testdata/alertmanager-reference.yml`.
    @Test func routeKeysAreAlertmanagers() throws {
        let root = try Self.root()
        #expect(root.key == "{}")
        #expect(
            root.match(labels("agent=order-1,severity=critical")).first?.key
                == #"{}/{agent=~"order-.*",severity="critical"}"#)
        #expect(root.match(labels("team=storage,env=prod")).first?.key == #"{}/{team="storage"}/{env=~"prod|staging"}"#)
        #expect(root.match(labels("team=storage,env=dev")).first?.key == #"{}/{team="storage"}/{env!="prod"}"#)
    }

    @Test func groupByEmptyListInherits() throws {
        let yaml = """
            route:
              receiver: r
              group_by: [a]
              routes: [{matchers: [x=1], group_by: []}]
            receivers: [{name: r}]
            """
        let root = Route(try #require(try alertingConfig(yaml)).route)
        #expect(root.match(labels("x=1")).first?.options.groupBy == ["a"])
    }
}
