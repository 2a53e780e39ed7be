import Fleet
import JSON
import Testing

/// A beat's `ephemeral` and `grace_seconds`: read when valid, refused with the field named otherwise.
struct LifecycleDecodingTests {
    let decoder = HeartbeatDecoder()

    func decode(_ json: String) throws -> Heartbeat {
        try decoder.decode(try JSONParser.parse(Array(json.utf8)))
    }

    @Test func ephemeralAndGraceAreRead() throws {
        let beat = try decode(#"{"agent": "a", "ephemeral": true, "grace_seconds": 7200}"#)
        #expect(beat.ephemeral == true)
        #expect(beat.graceSeconds == 7_200)
        #expect(try decode(#"{"agent": "a"}"#).ephemeral == nil)
    }

    @Test(arguments: [
        (#"{"agent": "a", "ephemeral": "yes"}"#, #"field "ephemeral": must be true or false"#),
        (#"{"agent": "a", "ephemeral": 1}"#, #"field "ephemeral": must be true or false"#),
        (#"{"agent": "a", "grace_seconds": 86401}"#, #"field "grace_seconds": must be between 0 and 86400"#),
        (#"{"agent": "a", "grace_seconds": -1}"#, #"field "grace_seconds": must be between 0 and 86400"#),
        (#"{"agent": "a", "grace_seconds": "2h"}"#, #"field "grace_seconds": must be a number"#),
    ])
    func badValuesAreRefusedNamingTheField(json: String, message: String) throws {
        let value = try JSONParser.parse(Array(json.utf8))
        do {
            _ = try decoder.decode(value)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description == message)
            #expect(error.kind == .invalidField)
        }
    }
}
