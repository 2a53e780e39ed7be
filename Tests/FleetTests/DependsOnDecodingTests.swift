import Fleet
import JSON
import Testing

/// `depends_on` in a beat: a bounded list of agent names; each refusal names the field and the rule.
struct DependsOnDecodingTests {
    let fixture = HeartbeatDecoderTests()

    @Test func decodesTheListInOrderAndLeavesItUnsetWhenAbsent() throws {
        let beat = try fixture.decode(#"{"agent": "w1", "depends_on": ["planner-1", "db.writer:2"]}"#)
        #expect(beat.dependsOn == ["planner-1", "db.writer:2"])
        #expect(try fixture.decode(#"{"agent": "w1"}"#).dependsOn == nil)
        #expect(try fixture.decode(#"{"agent": "w1", "depends_on": []}"#).dependsOn == [])
    }

    @Test func sixteenNamesAreAcceptedSeventeenAreNot() throws {
        let names = (1...17).map { "\"p\($0)\"" }
        let sixteen = #"{"agent": "w1", "depends_on": [\#(names.prefix(16).joined(separator: ","))]}"#
        #expect(try fixture.decode(sixteen).dependsOn?.count == 16)
        let seventeen = #"{"agent": "w1", "depends_on": [\#(names.joined(separator: ","))]}"#
        #expect(throws: HeartbeatError(field: "depends_on", rule: "at most 16 agents, got 17")) {
            try fixture.decode(seventeen)
        }
    }

    @Test(arguments: [
        (#"{"agent": "w1", "depends_on": "planner"}"#, "depends_on", "must be a JSON array"),
        (
            #"{"agent": "w1", "depends_on": ["ok", "not a name"]}"#, "depends_on[1]",
            "must be an agent name: 1-128 characters of [A-Za-z0-9_.:-]"
        ),
        (
            #"{"agent": "w1", "depends_on": [""]}"#, "depends_on[0]",
            "must be an agent name: 1-128 characters of [A-Za-z0-9_.:-]"
        ),
        (
            #"{"agent": "w1", "depends_on": [7]}"#, "depends_on[0]",
            "must be an agent name: 1-128 characters of [A-Za-z0-9_.:-]"
        ),
        (#"{"agent": "w1", "depends_on": ["w1"]}"#, "depends_on[0]", "an agent cannot depend on itself"),
        (#"{"agent": "w1", "depends_on": ["p", "p"]}"#, "depends_on[1]", "lists \"p\" twice"),
    ])
    func refusesNamingFieldAndRule(json: String, field: String, rule: String) {
        #expect(throws: HeartbeatError(field: field, rule: rule)) { try fixture.decode(json) }
    }
}
