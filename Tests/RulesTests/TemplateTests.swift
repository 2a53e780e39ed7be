import Rules
import Testing

/// Template → value → output, each output checked against Prometheus 2.42 (promtool test rules).
private let expansions: [(template: String, value: Double, output: String)] = [
    ("{{ $value }}", 1_234_567, "1.234567e+06"),
    ("{{ $value }}", 100_000, "100000"),
    ("{{ $value }}", 0.0001234, "0.0001234"),
    ("{{ humanize $value }}", 1_234_567, "1.235M"),
    ("{{ $value | humanize }}", 0.0001234, "123.4u"),
    ("{{ humanize $value }}", 0, "0"),
    ("{{ humanize $value }}", -3723.5, "-3.724k"),
    ("{{ humanize $value }}", .infinity, "+Inf"),
    ("{{ humanize1024 $value }}", 1_234_567, "1.177Mi"),
    ("{{ humanize1024 $value }}", 2048, "2ki"),
    ("{{ humanize1024 $value }}", 0.0001234, "0.0001234"),
    ("{{ humanizeDuration $value }}", 90, "1m 30s"),
    ("{{ humanizeDuration $value }}", 90061, "1d 1h 1m 1s"),
    ("{{ humanizeDuration $value }}", -3723.5, "-1h 2m 3s"),
    ("{{ humanizeDuration $value }}", 1.5, "1.5s"),
    ("{{ humanizeDuration $value }}", 0.25, "250ms"),
    ("{{ humanizeDuration $value }}", 0.0001234, "123.4us"),
    ("{{ humanizeDuration $value }}", 0, "0s"),
    ("{{ humanizePercentage $value }}", 0.25, "25%"),
    ("{{ humanizePercentage $value }}", 0.0001234, "0.01234%"),
    ("{{ humanizeTimestamp $value }}", 1_700_000_000.123, "2023-11-14 22:13:20.122 +0000 UTC"),
    ("{{ humanizeTimestamp $value }}", -3723.5, "1969-12-31 22:57:56.5 +0000 UTC"),
    ("{{ printf \"%.3f %5.1e %g %v\" $value $value $value $value }}", 2048, "2048.000 2.0e+03 2048 2048"),
    ("{{ printf \"%d|%s|%5.1f|%q|%x\" 42 \"s\" 3.14159 \"q\" 255 }}", 0, "42|s|  3.1|\"q\"|ff"),
    ("{{ printf \"%d %s %.1f\" $value $value }}", 9, "%!d(float64=9) %!s(float64=9) %!f(MISSING)"),
    ("{{ toUpper \"abc-def ghi\" }} {{ toLower \"ABC\" }}", 0, "ABC-DEF GHI abc"),
    ("{{ title \"hello wORLD foo_bar x-y\" }}", 0, "Hello WORLD Foo_bar X-Y"),
    ("{{ if gt $value 7.0 }}big{{ else }}small{{ end }}", 9, "big"),
    ("{{ if gt $value 7.0 }}big{{ else }}small{{ end }}", 1, "small"),
    ("a {{- \" b \" -}} c", 0, "a b c"),
    // Go's fmt refuses a width or precision above 10^6 (found with the template fuzz target: padding by a
    // billion took minutes, a precision of a billion asked for 4 GB).
    ("{{ printf \"a%999999999db\" 1 }}", 0, "a%!(NOVERB)%!(EXTRA int=1)"),
    ("{{ printf \"%.999999999f|%d\" 1.5 2 }}", 0, "%!(NOVERB)%!(EXTRA float64=1.5, int=2)"),
    ("{{ printf \"%5.10000010f\" 1.5 }}", 0, "%!(NOVERB)%!(EXTRA float64=1.5)"),
    // A `.` with nothing after it is the verb, not a precision.
    ("{{ printf \"%.\" 1 }}", 0, "%!.(int=1)"),
]

@Suite struct TemplateTests {
    @Test(arguments: expansions)
    func expandsLikePrometheus(template: String, value: Double, output: String) throws {
        let parsed = try Template(parsing: template, name: "__alert_T")
        #expect(try parsed.expand(TemplateData(value: value)) == output)
    }

    @Test func widthUpToGoLimitIsPadded() throws {
        // Go reads digits while the number so far is at most 10^6, so 1000009 is the widest it takes.
        let template = try Template(parsing: "{{ printf \"%1000009d|%.3f\" 7 1.0 }}", name: "__alert_T")
        let output = try template.expand(TemplateData())
        #expect(output.utf8.count == 1_000_009 + 6)
        #expect(output.hasSuffix("      7|1.000"))
    }

    @Test func labelsExternalLabelsAndURL() throws {
        let template = try Template(
            parsing: "{{ $labels.agent }}/{{ $labels.missing }}/{{ $externalLabels.cluster }}/{{ $externalURL }}"
                + "{{ with $labels.agent_type }} ({{ . }}){{ end }}{{ with $labels.nothing }}never{{ end }}",
            name: "__alert_T")
        let data = TemplateData(
            labels: ["agent": "w-1", "agent_type": "worker"], externalLabels: ["cluster": "c1"],
            externalURL: "http://x.example")
        #expect(try template.expand(data) == "w-1//c1/http://x.example (worker)")
    }

    @Test(arguments: [
        ("{{ $labels.x | nosuch }}", "template: __alert_T:1: function \"nosuch\" not defined"),
        ("{{ if }}", "template: __alert_T:1: missing value for if"),
        ("{{ if $value }}x", "template: __alert_T:1: unexpected EOF"),
        ("x\n{{ end }}", "template: __alert_T:2: unexpected {{end}}"),
        ("{{ $undefined }}", "template: __alert_T:1: undefined variable \"$undefined\""),
        ("{{ $value", "template: __alert_T:1: unclosed action"),
    ])
    func parseErrorsAreWordedLikeGo(template: String, message: String) {
        #expect(throws: TemplateError(message)) { try Template(parsing: template, name: "__alert_T") }
    }

    @Test func executionErrorsNameTheCommandAndColumn() throws {
        let template = try Template(parsing: "{{ humanize \"abc\" }}", name: "__alert_T")
        #expect(
            throws: TemplateError(
                "template: __alert_T:1:115: executing \"__alert_T\" at <humanize \"abc\">: error calling humanize: "
                    + "strconv.ParseFloat: parsing \"abc\": invalid syntax")
        ) { try template.expand(TemplateData()) }
    }
}
