// Alertmanager 0.25's routing, grouping, inhibition, silencing and notification semantics as a library.
//
// The pieces, from configuration to delivery:
// - ``AlertingConfig/read(document:route:inhibitRules:receivers:)`` reads the `route`, `inhibit_rules`
//   and `receivers` sections; ``Route`` is the tree with inherited ``RouteOptions``.
// - ``Dispatcher`` is a pure state machine: ``Dispatcher/insert(_:at:)`` alerts, call
//   ``Dispatcher/tick(at:isMuted:)`` when ``Dispatcher/nextWakeup`` is reached, deliver the returned
//   ``AlertNotification``s, report each outcome with ``Dispatcher/delivered(_:succeeded:at:)`` and persist
//   ``Dispatcher/takeLogUpdates()``.
// - ``Inhibitor`` and ``SilenceStore`` decide what is muted; ``AlertStatus`` is what the API shows.
// - ``WebhookNotifier`` and ``AlertmanagerForwarder`` talk HTTP through an ``HTTPTransport``;
//   ``DeliveryQueue`` runs them in the background with retries until each delivery's deadline.
// - ``APIv2Encoding``, ``APIv2Decoding`` and ``AlertmanagerStatus`` produce and read the API v2 bodies
//   `amtool` uses.
