import Exposition
import Model
import Testing

struct EscapingTests {
    @Test(arguments: [
        ("plain", "plain"), (#"a\b"#, #"a\\b"#), (#"say "hi""#, #"say \"hi\""#), ("two\nlines", #"two\nlines"#),
        ("tab\tand\rcr", "tab\tand\rcr"), ("ünïcödé 😀", "ünïcödé 😀"), (#"\n"#, #"\\n"#), ("", ""),
    ])
    func labelValues(raw: String, escaped: String) {
        #expect(Escaping.labelValue(raw) == escaped)
    }

    @Test(arguments: [
        (#"C:\dir"#, #"C:\\dir"#, #"C:\\dir"#),
        ("a\nb", #"a\nb"#, #"a\nb"#),
        (#"the "quoted" word"#, #"the "quoted" word"#, #"the \"quoted\" word"#),
        ("plain", "plain", "plain"),
    ])
    func helpText(raw: String, text: String, openMetrics: String) {
        #expect(Escaping.help(raw, format: .prometheusText) == text)
        #expect(Escaping.help(raw, format: .openMetrics) == openMetrics)
    }
}

struct MetricNamingTests {
    @Test(arguments: [
        ("up", true), ("agent_tasks_total", true), ("_x", true), ("job:rate5m", true), (":x", true),
        ("Z9", true), ("abcxyzABCXYZ_0123456789:", true),
        ("", false), ("9up", false), ("a-b", false), ("a.b", false), ("a b", false), ("ü", false), ("a{", false),
    ])
    func metricNames(name: String, valid: Bool) {
        #expect(MetricNaming.isValidMetricName(name) == valid)
    }

    @Test(arguments: [
        ("agent", true), ("_x", true), ("Team_2", true), ("__name__", true), ("abcxyzABCXYZ_0123456789", true),
        ("", false), ("1a", false), ("a:b", false), ("a-b", false), ("é", false), ("a b", false),
    ])
    func labelNames(name: String, valid: Bool) {
        #expect(MetricNaming.isValidLabelName(name) == valid)
    }

    @Test(arguments: [("__name__", true), ("__x", true), ("_x", false), ("x__", false), ("_", false)])
    func reservedLabelNames(name: String, reserved: Bool) {
        #expect(MetricNaming.isReservedLabelName(name) == reserved)
    }
}
