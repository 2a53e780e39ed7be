import Exposition
import Testing

struct ExpositionWriterTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func prometheusTextMatchesTheGoldenFileByteForByte() throws {
        let written = writeFleetExposition(format: .prometheusText)
        #expect(text(written) == text(try testdata("fleet.prom")))
        #expect(written == (try testdata("fleet.prom")))
    }

    @Test func openMetricsMatchesTheGoldenFileByteForByte() throws {
        let written = writeFleetExposition(format: .openMetrics)
        #expect(text(written) == text(try testdata("fleet.om.txt")))
        #expect(written == (try testdata("fleet.om.txt")))
    }

    @Test func promtoolFindsNothingWrongWithTheTextOutput() async throws {
        let result = try await run(
            ["promtool", "check", "metrics"], input: writeFleetExposition(format: .prometheusText))
        #expect(result.output == "")
        #expect(result.status == 0)
    }

    @Test func promtoolReportsProblemsSoTheCheckAboveCanFail() async throws {
        let badCounter = Array("# HELP requests Requests.\n# TYPE requests counter\nrequests 1\n".utf8)
        let result = try await run(["promtool", "check", "metrics"], input: badCounter)
        #expect(result.output.contains("counter metrics should have \"_total\" suffix"))
        #expect(result.status != 0)
    }

    @Test func emptyHelpWritesOnlyTheTypeLine() {
        var writer = ExpositionWriter(format: .prometheusText)
        writer.family("up", type: .gauge, help: "")
        writer.sample("up", .empty, value: 1)
        #expect(text(writer.finish()) == "# TYPE up gauge\nup 1\n")
    }

    @Test func openMetricsKeepsCounterNamesWithoutTotalSuffixAndEndsWithEOF() {
        var writer = ExpositionWriter(format: .openMetrics)
        writer.family("restarts", type: .counter, help: "Restarts.")
        writer.family("agent_tokens_total", type: .counter, help: "Tokens.")
        #expect(
            text(writer.finish()) == """
                # HELP restarts Restarts.
                # TYPE restarts counter
                # HELP agent_tokens Tokens.
                # TYPE agent_tokens counter
                # EOF

                """)
    }

    @Test func histogramBoundsChangingBetweenCallsAreRenderedAfresh() {
        var writer = ExpositionWriter(format: .prometheusText)
        writer.histogram("h", .empty, upperBounds: [1], cumulativeCounts: [1], sum: 1, count: 1)
        writer.histogram("h", .empty, upperBounds: [2.5], cumulativeCounts: [0], sum: 3, count: 1)
        #expect(
            text(writer.finish()) == """
                h_bucket{le="1"} 1
                h_bucket{le="+Inf"} 1
                h_sum 1
                h_count 1
                h_bucket{le="2.5"} 0
                h_bucket{le="+Inf"} 1
                h_sum 3
                h_count 1

                """)
    }

    @Test func finishHandsOverTheBytesAndEmptiesTheWriter() {
        var writer = ExpositionWriter(format: .prometheusText)
        writer.sample("a", .empty, value: 1)
        #expect(text(writer.finish()) == "a 1\n")
        #expect(writer.finish().isEmpty)
    }
}
