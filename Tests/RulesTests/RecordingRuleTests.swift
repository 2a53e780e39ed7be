import Model
import PromQL
import Rules
import Testing

@Suite struct RecordingRuleTests {
    private func load(_ text: String) throws -> RuleGroup {
        let groups = try RuleFileLoader.parse(text, file: "rules.yml")
        return try #require(groups.first)
    }

    @Test func laterRulesSeeEarlierRulesResultsInTheSameEvaluation() throws {
        let group = try load(
            """
            groups:
              - name: g
                rules:
                  - record: agent:queue:sum
                    expr: sum(agent_queue_depth)
                    labels:
                      scope: fleet
                  - alert: FleetBacklog
                    expr: agent:queue:sum > 5
            """)
        let store = MemorySeriesStore()
        store.append(Labels(["__name__": "agent_queue_depth", "agent": "a"]), timestamp: 0, value: 4)
        store.append(Labels(["__name__": "agent_queue_depth", "agent": "b"]), timestamp: 0, value: 3)
        let result = group.evaluate(at: .epoch, queryable: store, sink: store)
        #expect(result.failures == 0)
        let alerts = group.alertingRules.first?.activeAlerts ?? []
        #expect(alerts.map(\.labels) == [Labels(["alertname": "FleetBacklog", "scope": "fleet"])])
        #expect(alerts.first?.value == 7)
    }

    @Test func duplicateSeriesAfterRuleLabelsAreAnError() throws {
        let group = try load(
            """
            groups:
              - name: g
                rules:
                  - record: agent:up
                    expr: agent_up
                    labels:
                      agent: ""
            """)
        let store = MemorySeriesStore()
        store.append(Labels(["__name__": "agent_up", "agent": "a"]), timestamp: 0, value: 1)
        store.append(Labels(["__name__": "agent_up", "agent": "b"]), timestamp: 0, value: 1)
        let result = group.evaluate(at: .epoch, queryable: store, sink: store)
        #expect(result.failures == 1)
        #expect(
            group.rules.first?.status.lastError
                == "vector contains metrics with the same labelset after applying rule labels")
    }

    @Test func vanishedSeriesGetAStaleMarker() throws {
        let group = try load(
            """
            groups:
              - name: g
                rules:
                  - record: agent:up:copy
                    expr: agent_up
            """)
        let store = MemorySeriesStore()
        store.append(Labels(["__name__": "agent_up", "agent": "a"]), timestamp: 0, value: 1)
        _ = group.evaluate(at: .epoch, queryable: store, sink: store)
        store.append(Labels(["__name__": "agent_up", "agent": "a"]), timestamp: 60_000, value: staleMarker)
        _ = group.evaluate(at: Timestamp(seconds: 60), queryable: store, sink: store)
        let copy = store.select([try LabelMatcher(.equal, "__name__", "agent:up:copy")], from: 0, through: 60_000)
        #expect(copy.first.map { Array($0.values).map(isStaleMarker) } == [false, true])
    }

    /// Only the series that vanished get a stale marker, whether the rule's results come in label order (compared
    /// in one walk) or not (`sort_desc`: hashed).
    @Test(arguments: ["x", "sort_desc(x)"])
    func onlyTheVanishedSeriesOfSeveralGetAStaleMarker(expression: String) throws {
        let group = try load(
            """
            groups:
              - name: g
                rules:
                  - record: copy
                    expr: \(expression)
            """)
        let store = MemorySeriesStore()
        for (instance, value) in [("1", 1.0), ("2", 3), ("3", 2), ("4", 4)] {
            store.append(Labels(["__name__": "x", "i": instance]), timestamp: 0, value: value)
        }
        _ = group.evaluate(at: .epoch, queryable: store, sink: store)
        for (instance, value) in [("1", 5.0), ("2", staleMarker), ("3", 6), ("4", staleMarker)] {
            store.append(Labels(["__name__": "x", "i": instance]), timestamp: 60_000, value: value)
        }
        _ = group.evaluate(at: Timestamp(seconds: 60), queryable: store, sink: store)
        let copies = store.select([try LabelMatcher(.equal, "__name__", "copy")], from: 0, through: 60_000)
        let lastIsStale = Dictionary(
            uniqueKeysWithValues: copies.map { ($0.labels["i"], $0.values.last.map(isStaleMarker)) })
        #expect(lastIsStale == ["1": false, "2": true, "3": false, "4": true])
    }

    @Test func scalarResultsBecomeASeriesWithoutLabels() throws {
        let group = try load(
            """
            groups:
              - name: g
                rules:
                  - record: fleet:answer
                    expr: "42"
            """)
        let store = MemorySeriesStore()
        _ = group.evaluate(at: .epoch, queryable: store, sink: store)
        let series = store.select([try LabelMatcher(.equal, "__name__", "fleet:answer")], from: 0, through: 0)
        #expect(series.first?.values.first == 42)
    }
}

@Suite struct SeriesRequirementTests {
    @Test func requirementsCoverEverySelectorWithItsRangeOffsetAndLookback() throws {
        let groups = try RuleFileLoader.parse(
            """
            groups:
              - name: g
                rules:
                  - alert: Spike
                    expr: rate(cost[5m]) > 10 * rate(cost[1h] offset 5m) and up == 1
            """, file: "rules.yml")
        let requirements = try #require(groups.first).seriesRequirements()
        #expect(requirements.map(\.history) == [.minutes(5), .minutes(65), .minutes(5)])
        #expect(requirements[0].matches(Labels(["__name__": "cost", "agent": "a"])))
        #expect(!requirements[0].matches(Labels(["__name__": "up"])))
    }

    @Test func aSubqueryKeepsItsRangeAndStepOfHistoryForTheSelectorsInside() throws {
        let groups = try RuleFileLoader.parse(
            """
            groups:
              - name: g
                rules:
                  - alert: CostForecast
                    expr: predict_linear(cost[1h], 86400) > 50 and max_over_time(rate(cost[5m])[1h:1m]) > 1
                  - record: cost:p90
                    expr: quantile_over_time(0.9, cost[30m] @ end())
            """, file: "rules.yml")
        let requirements = try #require(groups.first).seriesRequirements()
        #expect(requirements.map(\.history) == [.minutes(60), .minutes(66), .minutes(30)])
    }
}
