import Server
import Testing

/// Expects the configuration `yaml`, read as `hx.yml`, to be refused with exactly `message` (file, line, key and
/// problem).
func expectRefused(_ yaml: String, saying message: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try ExporterConfig.parse(yaml, file: "hx.yml")
        Issue.record("accepted: \(yaml)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.description == message, sourceLocation: sourceLocation)
    }
}
