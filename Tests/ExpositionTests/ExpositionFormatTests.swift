import Exposition
import Testing

struct ExpositionFormatTests {
    @Test(arguments: [
        // Prometheus 2.x default scrape header.
        (
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", ExpositionFormat.openMetrics
        ),
        // scrape_protocols preferring the text format; protobuf is not offered.
        (
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,"
                + "text/plain;version=0.0.4;q=0.6,application/openmetrics-text;version=1.0.0;q=0.5", .prometheusText
        ),
        ("application/openmetrics-text", .openMetrics),
        ("Application/OpenMetrics-Text; Version=1.0.0", .openMetrics),
        ("application/openmetrics-text; version=\"0.0.1\"", .openMetrics),
        ("text/plain;q=0.2, application/openmetrics-text;q=0.9", .openMetrics),
        ("text/plain;q=0.9, application/openmetrics-text;q=0.2", .prometheusText),
        ("text/plain, application/openmetrics-text", .prometheusText),
        ("application/openmetrics-text;version=2.0.0", .prometheusText),
        ("application/openmetrics-text;q=0", .prometheusText),
        ("*/*", .prometheusText),
        ("application/json", .prometheusText),
        ("", .prometheusText),
        ("text/plain;version=0.0.5, application/openmetrics-text;q=0.1", .openMetrics),
    ])
    func negotiatesLikeClientGolang(accept: String, expected: ExpositionFormat) {
        #expect(ExpositionFormat.negotiate(accept: accept) == expected)
    }

    @Test func noAcceptHeaderMeansText() {
        #expect(ExpositionFormat.negotiate(accept: nil) == .prometheusText)
    }

    @Test func contentTypes() {
        #expect(ExpositionFormat.prometheusText.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(
            ExpositionFormat.openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
    }
}
