import Alerting
import Model
import PromQL
import Testing
import TestSupport

/// Grouping, timers, dedup and resolution, stepped with a manual clock.
struct DispatcherTests {
    static let yaml = """
        route:
          receiver: hook
          group_by: [alertname]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 1h
          routes:
            - matchers: [team=quiet]
              receiver: quiet
        receivers:
          - name: hook
            webhook_configs: [{url: 'http://127.0.0.1:1/hook'}]
          - name: quiet
            webhook_configs: [{url: 'http://127.0.0.1:1/quiet', send_resolved: false}]
        """

    static func dispatcher(log: NotificationLog = NotificationLog()) throws -> Dispatcher {
        let config = try #require(try alertingConfig(yaml))
        return Dispatcher(route: Route(config.route), receivers: config.receivers, notificationLog: log)
    }

    static func alert(_ text: String, startsAt: Timestamp, endsAt: Timestamp? = nil, updatedAt: Timestamp? = nil)
        -> Alert
    {
        Alert(labels: labels(text), startsAt: startsAt, endsAt: endsAt, updatedAt: updatedAt ?? startsAt)
    }

    /// Ticks at the clock's time and reports every notification as delivered at once.
    static func step(
        _ dispatcher: inout Dispatcher, _ clock: ManualClock, succeed: Bool = true,
        isMuted: (Alert) -> Bool = { _ in false }
    ) -> [AlertNotification] {
        let notifications = dispatcher.tick(at: clock.now(), isMuted: isMuted)
        for notification in notifications { dispatcher.delivered(notification, succeeded: succeed, at: clock.now()) }
        return notifications
    }

    @Test func siblingRoutesWithTheSameMatchersKeepTheirOwnGroups() throws {
        let config = try #require(
            try alertingConfig(
                """
                route:
                  receiver: hook
                  routes:
                    - {receiver: hook, matchers: [team=a], continue: true}
                    - {receiver: quiet, matchers: [team=a]}
                receivers:
                  - name: hook
                    webhook_configs: [{url: 'http://127.0.0.1:1/hook'}]
                  - name: quiet
                    webhook_configs: [{url: 'http://127.0.0.1:1/quiet'}]
                """))
        var dispatcher = Dispatcher(route: Route(config.route), receivers: config.receivers)
        let clock = ManualClock()
        dispatcher.insert([Self.alert("alertname=Down,team=a", startsAt: clock.now())], at: clock.now())
        clock.advance(by: 30)
        let sent = Self.step(&dispatcher, clock)
        #expect(sent.map(\.receiver).sorted() == ["hook", "quiet"])
        #expect(
            Set(sent.map(\.groupKey)) == [#"{}/{team="a"}:{}"#], "Alertmanager's group key does not tell them apart")
    }

    @Test func waitsGroupWaitThenGroupsAlertsByLabels() throws {
        let clock = ManualClock()
        let t0 = clock.now()
        var dispatcher = try Self.dispatcher()
        dispatcher.insert(
            [
                Self.alert("alertname=Down,agent=a", startsAt: t0),
                Self.alert("alertname=Down,agent=b", startsAt: t0),
                Self.alert("alertname=Slow,agent=a", startsAt: t0),
            ], at: t0)
        #expect(dispatcher.nextWakeup == t0 + .seconds(30))
        clock.advance(by: 29)
        #expect(Self.step(&dispatcher, clock).isEmpty)
        clock.advance(by: 1)
        let sent = Self.step(&dispatcher, clock)
        #expect(sent.map(\.groupKey) == [#"{}:{alertname="Down"}"#, #"{}:{alertname="Slow"}"#])
        #expect(sent.first?.alerts.map { $0.labels["agent"] } == ["a", "b"])
        #expect(sent.allSatisfy { $0.receiver == "hook" && $0.status == "firing" && $0.deadline == t0 + .seconds(330) })
        #expect(dispatcher.alertGroups.map { $0.labels["alertname"] } == ["Down", "Slow"])
        #expect(dispatcher.groupReceivers[labels("alertname=Slow,agent=a").fingerprint] == ["hook"])
        #expect(dispatcher.alerts.count == 3)
    }

    @Test func notifiesAgainOnlyWhenTheGroupChangesOrAtRepeatInterval() throws {
        let clock = ManualClock()
        let t0 = clock.now()
        var dispatcher = try Self.dispatcher()
        dispatcher.insert([Self.alert("alertname=Down,agent=a", startsAt: t0)], at: t0)
        clock.advance(by: 30)
        #expect(Self.step(&dispatcher, clock).count == 1)
        clock.advance(by: 300)  // group_interval: nothing changed
        #expect(Self.step(&dispatcher, clock).isEmpty)
        dispatcher.insert(
            [Self.alert("alertname=Down,agent=b", startsAt: clock.now() + .seconds(10))],
            at: clock.now() + .seconds(10))
        clock.advance(by: 100)  // new alert waits for the group's next flush
        #expect(Self.step(&dispatcher, clock).isEmpty)
        clock.advance(by: 200)
        #expect(Self.step(&dispatcher, clock).first?.alerts.count == 2)  // at t0 + 630
        var repeats: [Double] = []
        for _ in 0..<14 {
            clock.advance(by: 300)
            if !Self.step(&dispatcher, clock).isEmpty { repeats.append((clock.now() - t0).seconds) }
        }
        // Logged at t0+630; Alertmanager repeats at the first flush strictly more than 1h later.
        #expect(repeats == [630 + 3900])
    }

    @Test func resolvedAlertsAreNotifiedOnceThenLeaveTheGroup() throws {
        let clock = ManualClock()
        let t0 = clock.now()
        var dispatcher = try Self.dispatcher()
        dispatcher.insert(
            [
                Self.alert("alertname=Down,agent=a", startsAt: t0),
                Self.alert("alertname=Down,agent=b", startsAt: t0),
            ], at: t0)
        clock.advance(by: 30)
        _ = Self.step(&dispatcher, clock)
        dispatcher.insert(
            [
                Self.alert(
                    "alertname=Down,agent=a", startsAt: t0, endsAt: t0 + .seconds(100),
                    updatedAt: t0 + .seconds(100))
            ],
            at: t0 + .seconds(100))
        clock.advance(by: 300)
        let resolved = Self.step(&dispatcher, clock)
        #expect(resolved.count == 1)
        #expect(resolved.first?.alerts.map { $0.endsAt } == [t0 + .seconds(100), nil])
        #expect(resolved.first?.status == "firing")
        #expect(dispatcher.alertGroups.first?.alerts.count == 1)  // the resolved alert left after delivery
        dispatcher.insert(
            [
                Self.alert(
                    "alertname=Down,agent=b", startsAt: t0, endsAt: t0 + .seconds(400),
                    updatedAt: t0 + .seconds(400))
            ],
            at: t0 + .seconds(400))
        clock.advance(by: 300)
        let allResolved = Self.step(&dispatcher, clock)
        #expect(allResolved.first?.status == "resolved")
        #expect(dispatcher.alertGroups.isEmpty)
        clock.advance(by: 30)  // the empty group goes at the next 30-second maintenance
        #expect(Self.step(&dispatcher, clock).isEmpty)
        #expect(dispatcher.nextWakeup == nil)
    }

    @Test func anAlertJoiningAnEmptiedGroupBeforeMaintenanceWaitsForGroupInterval() throws {
        let clock = ManualClock()
        let t0 = clock.now()
        var dispatcher = try Self.dispatcher()
        dispatcher.insert([Self.alert("alertname=Down,agent=a", startsAt: t0)], at: t0)  // maintenance at t0+30, +60, …
        clock.advance(by: 30)
        _ = Self.step(&dispatcher, clock)
        dispatcher.insert(
            [
                Self.alert(
                    "alertname=Down,agent=a", startsAt: t0, endsAt: t0 + .seconds(40),
                    updatedAt: t0 + .seconds(40))
            ], at: t0 + .seconds(40))
        clock.set(t0 + .seconds(330))
        #expect(Self.step(&dispatcher, clock).first?.status == "resolved")  // group empty now; removed at t0 + 360
        clock.set(t0 + .seconds(335))
        dispatcher.insert([Self.alert("alertname=Down,agent=b", startsAt: t0 + .seconds(335))], at: t0 + .seconds(335))
        clock.set(t0 + .seconds(365))  // group_wait of a new group would be due now, but the old group's timer runs on
        #expect(Self.step(&dispatcher, clock).isEmpty)
        clock.set(t0 + .seconds(630))
        #expect(Self.step(&dispatcher, clock).first?.alerts.map { $0.labels["agent"] } == ["b"])
    }

    @Test func withoutSendResolvedNothingIsSentForResolvedAlertsButTheLogForgetsThem() throws {
        let clock = ManualClock()
        let t0 = clock.now()
        var dispatcher = try Self.dispatcher()
        dispatcher.insert([Self.alert("alertname=Q,team=quiet", startsAt: t0)], at: t0)
        clock.advance(by: 30)
        #expect(Self.step(&dispatcher, clock).count == 1)
        _ = dispatcher.takeLogUpdates()
        dispatcher.insert(
            [
                Self.alert(
                    "alertname=Q,team=quiet", startsAt: t0, endsAt: t0 + .seconds(60),
                    updatedAt: t0 + .seconds(60))
            ], at: t0 + .seconds(60))
        clock.advance(by: 300)
        #expect(Self.step(&dispatcher, clock).isEmpty)
        let logged = dispatcher.takeLogUpdates()
        #expect(logged.count == 1 && logged.first?.firingAlerts.isEmpty == true)
        // Firing again after that: a new notification, since the log no longer lists it as firing.
        dispatcher.insert([Self.alert("alertname=Q,team=quiet", startsAt: t0 + .seconds(400))], at: t0 + .seconds(400))
        clock.advance(by: 300)
        #expect(Self.step(&dispatcher, clock).count == 1)
    }

    @Test func failedDeliveriesAreRetriedAtTheNextFlush() throws {
        let clock = ManualClock()
        let t0 = clock.now()
        var dispatcher = try Self.dispatcher()
        dispatcher.insert([Self.alert("alertname=Down", startsAt: t0)], at: t0)
        clock.advance(by: 30)
        #expect(Self.step(&dispatcher, clock, succeed: false).count == 1)
        clock.advance(by: 300)
        #expect(Self.step(&dispatcher, clock).count == 1)
        clock.advance(by: 300)
        #expect(Self.step(&dispatcher, clock).isEmpty)
    }

    @Test func oldAlertsSkipGroupWait() throws {
        let clock = ManualClock()
        var dispatcher = try Self.dispatcher()
        dispatcher.insert([Self.alert("alertname=Down", startsAt: clock.now() - .seconds(3600))], at: clock.now())
        #expect(Self.step(&dispatcher, clock).count == 1)
    }

    @Test func mutedAlertsAreLeftOutAndNotifiedWhenUnmuted() throws {
        let clock = ManualClock()
        let t0 = clock.now()
        var dispatcher = try Self.dispatcher()
        dispatcher.insert(
            [
                Self.alert("alertname=Down,agent=a", startsAt: t0),
                Self.alert("alertname=Down,agent=killed", startsAt: t0),
            ], at: t0)
        let killed: (Alert) -> Bool = { $0.labels["agent"] == "killed" }
        clock.advance(by: 30)
        #expect(Self.step(&dispatcher, clock, isMuted: killed).first?.alerts.map { $0.labels["agent"] } == ["a"])
        clock.advance(by: 300)
        #expect(Self.step(&dispatcher, clock, isMuted: killed).isEmpty)
        clock.advance(by: 300)  // resumed
        #expect(Self.step(&dispatcher, clock).first?.alerts.count == 2)
    }

    @Test func aRestoredLogPreventsResendingAndKeepsWhatIsDue() throws {
        let clock = ManualClock()
        let t0 = clock.now()
        var first = try Self.dispatcher()
        let alert = Self.alert("alertname=Down", startsAt: t0)
        first.insert([alert], at: t0)
        clock.advance(by: 30)
        _ = Self.step(&first, clock)
        let persisted = first.takeLogUpdates()
        #expect(persisted.count == 1)
        #expect(persisted.first?.expiresAt == t0 + .seconds(30) + .hours(2))

        clock.advance(by: 600)  // restart within repeat_interval
        var second = try Self.dispatcher(log: NotificationLog(entries: persisted))
        second.insert([alert], at: clock.now())
        #expect(Self.step(&second, clock).isEmpty)

        clock.advance(by: 3600)  // restart after repeat_interval: the repeat is due at once
        var third = try Self.dispatcher(log: NotificationLog(entries: persisted))
        third.insert([alert], at: clock.now())
        #expect(Self.step(&third, clock).count == 1)
    }

    @Test func receiversForAnAlertFollowTheTree() throws {
        let dispatcher = try Self.dispatcher()
        #expect(dispatcher.receivers(for: labels("team=quiet")) == ["quiet"])
        #expect(dispatcher.receivers(for: labels("team=x")) == ["hook"])
    }
}
