import AlertPipeline
import Server
import Testing
import YAMLConfig

/// The `notices:` section: which events are announced and to which receiver; errors name file, line, key.
struct NoticesConfigTests {
    static let receivers = "receivers:\n  - name: ops\nroute: {receiver: ops}\n"

    @Test func theSectionNamesTheReceiverAndTheEvents() throws {
        let config = try ExporterConfig.parse(
            Self.receivers + "notices: {receiver: ops, events: [agent_killed, ack]}\n", file: "hx.yml")
        #expect(config.notices == NoticeSettings(receiver: "ops", events: [.agentKilled, .ack]))
    }

    @Test func everyEventByDefaultAndNothingWithoutTheSection() throws {
        let all = try ExporterConfig.parse(Self.receivers + "notices: {}\n", file: "hx.yml")
        #expect(all.notices == NoticeSettings(receiver: nil, events: Set(NoticeEvent.allCases)))
        #expect(try ExporterConfig.parse(Self.receivers, file: "hx.yml").notices == nil)
    }

    @Test(arguments: [
        (
            "notices:\n  receiver: pager\n",
            "hx.yml:5:13: notices.receiver: undefined receiver \"pager\" used in notices"
        ),
        (
            "notices:\n  events: [agent_killed, agent_died]\n",
            "hx.yml:5:26: notices.events[1]: unknown event \"agent_died\" (allowed: agent_killed, agent_resumed, "
                + "silence_created, silence_expired, ack)"
        ),
        (
            "notices:\n  events: [ack, ack]\n",
            "hx.yml:5:17: notices.events[1]: event \"ack\" listed twice"
        ),
        (
            "notices:\n  send_to: ops\n",
            "hx.yml:5:3: notices.send_to: unknown key (allowed: events, receiver)"
        ),
    ])
    func errorsNameFileLineKeyAndProblem(yaml: String, message: String) {
        do {
            _ = try ExporterConfig.parse(Self.receivers + yaml, file: "hx.yml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.description == message)
        }
    }
}
