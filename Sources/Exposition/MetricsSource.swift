/// Something that writes its own metric families into an exposition: how each module of the exporter
/// exposes its self-metrics (`heartbeat_exporter_*`), so that `/metrics` can list them in one place.
public protocol MetricsSource: Sendable {
    /// Writes the source's families, each with HELP and TYPE, into `writer`.
    func write(into writer: inout ExpositionWriter)
}
