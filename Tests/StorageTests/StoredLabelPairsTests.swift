import Testing

@testable import Storage

/// Label pairs written by storage come back as written, whether the fast reader takes them or the JSON parser
/// does (escapes, non-ASCII, empty strings and sets).
struct StoredLabelPairsTests {
    static let cases: [[(name: String, value: String)]] = [
        [],
        [("team", "search")],
        [("team", ""), ("", "x")],
        [("path", "C:\\temp"), ("quote", "say \"hi\""), ("line", "a\nb"), ("tab", "\t")],
        [("ünïcode", "日本語"), ("emoji", "🚀"), ("comma", "a,b]["), ("bracket", "[[\"x\",\"y\"]]")],
    ]

    @Test(arguments: cases.indices)
    func whatIsWrittenIsReadBack(index: Int) {
        let labels = Self.cases[index]
        let decoded = AgentRow.decodeLabels(AgentRow.encodeLabels(labels))
        #expect(decoded.map(\.name) == labels.map(\.name))
        #expect(decoded.map(\.value) == labels.map(\.value))
    }

    @Test func theFastReaderTakesPlainPairsAndLeavesTheRestToTheParser() {
        #expect(StoredLabelPairs.read(#"[["a","1"],["b",""]]"#)?.map(\.value) == ["1", ""])
        #expect(StoredLabelPairs.read("[]")?.isEmpty == true)
        for other in [
            #"[["a","1\"x"]]"#, #"[ ["a","1"]]"#, #"[["a","1"]] "#, #"[["a"]]"#, #"[["a","1","2"]]"#, "", "{}",
        ] {
            #expect(StoredLabelPairs.read(other) == nil, "\(other)")
        }
    }

    @Test func aStoredValueThatIsNotLabelPairsReadsAsNoLabels() {
        #expect(AgentRow.decodeLabels("not json").isEmpty)
        #expect(AgentRow.decodeLabels(#"[["a","1"],"#).isEmpty)
        #expect(AgentRow.decodeLabels(nil).isEmpty)
    }
}
