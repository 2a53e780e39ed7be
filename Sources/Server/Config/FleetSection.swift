import Cron
import Fleet
import JSON
import Model
import YAMLConfig

/// The `fleet:` section: the agents the operator expects, listed as `missing` until they first beat, and how many
/// agents of each type should be healthy.
///
/// ```yaml
/// fleet:
///   expected:
///     agents:
///       - name: nightly-report            # an agent name, as a heartbeat's `agent`
///         agent_type: nightly             # optional
///         labels: {team: data}            # optional; as a heartbeat's labels
///         schedule: {cron: '0 3 * * *', timezone: Europe/Berlin, grace: 1h, max_runtime: 2h}   # optional
///     minimum_by_agent_type:
///       worker: 3                          # FleetBelowExpected fires below 3 healthy workers
/// ```
enum FleetSection {
    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> ExpectedFleet {
        var fleet = ExpectedFleet()
        for (_, expected) in try reader.mapping(allowed: ["expected"]) {
            for (key, child) in try expected.mapping(allowed: ["agents", "minimum_by_agent_type"]) {
                if key == "agents" {
                    fleet.agents = try agents(child)
                } else {
                    fleet.minimumByAgentType = try minimums(child)
                }
            }
        }
        return fleet
    }

    private static func agents(_ reader: YAMLNodeReader) throws(ConfigError) -> [ExpectedAgent] {
        var agents: [ExpectedAgent] = []
        for item in try reader.sequence() {
            let agent = try self.agent(item)
            if agents.contains(where: { $0.name == agent.name }) {
                throw item.error("agent \"\(agent.name)\" is listed twice", key: item.childPath("name"))
            }
            agents.append(agent)
        }
        return agents
    }

    private static func agent(_ reader: YAMLNodeReader) throws(ConfigError) -> ExpectedAgent {
        var name: String?
        var agent = ExpectedAgent(name: "")
        for (key, child) in try reader.mapping(allowed: ["name", "agent_type", "labels", "schedule"]) {
            switch key {
            case "name": name = try identifier(child, check: "agent")
            case "agent_type": agent.agentType = try identifier(child, check: "agent_type")
            case "labels": agent.labels = try labels(child)
            default: agent.schedule = try schedule(child)
            }
        }
        guard let name else { throw reader.error("an expected agent needs a name", key: reader.childPath("name")) }
        agent.name = name
        return agent
    }

    /// A name checked by the heartbeat decoder's own rule for the field `field`.
    private static func identifier(_ reader: YAMLNodeReader, check field: String) throws(ConfigError) -> String {
        let text = try reader.string()
        let beat = JSONObject([("agent", .string(field == "agent" ? text : "x")), (field, .string(text))])
        do throws(HeartbeatError) {
            _ = try HeartbeatDecoder().decode(.object(beat))
        } catch {
            throw reader.error(error.rule)
        }
        return text
    }

    /// Labels as a heartbeat's `labels` accepts them (names, reserved names, lengths, how many).
    private static func labels(_ reader: YAMLNodeReader) throws(ConfigError) -> [ExpectedLabel] {
        var labels: [ExpectedLabel] = []
        for (name, child) in try reader.mapping() {
            let value = try child.string()
            let beat = JSONObject([("agent", .string("x")), ("labels", .object(JSONObject([(name, .string(value))])))])
            do throws(HeartbeatError) {
                _ = try HeartbeatDecoder().decode(.object(beat))
            } catch {
                throw child.error(error.rule)
            }
            labels.append(ExpectedLabel(name: name, value: value))
        }
        guard labels.count <= HeartbeatLimits().maxLabels else {
            throw reader.error("at most \(HeartbeatLimits().maxLabels) labels per agent, got \(labels.count)")
        }
        return labels
    }

    private static func schedule(_ reader: YAMLNodeReader) throws(ConfigError) -> AgentSchedule {
        var expression: CronExpression?
        var zone = ScheduleTimeZone.utc
        var grace = AgentSchedule.defaultGrace
        var maxRuntime: PrometheusDuration?
        for (key, child) in try reader.mapping(allowed: ["cron", "timezone", "grace", "max_runtime"]) {
            switch key {
            case "cron": expression = try SchedulesSection.cron(child)
            case "timezone": zone = try SchedulesSection.timeZone(child)
            case "grace": grace = try SchedulesSection.grace(child)
            default: maxRuntime = try SchedulesSection.maxRuntime(child)
            }
        }
        guard let expression else { throw reader.error("a schedule needs cron", key: reader.childPath("cron")) }
        return AgentSchedule(
            cron: CronSchedule(expression: expression, timeZone: zone), grace: grace, maxRuntime: maxRuntime)
    }

    private static func minimums(_ reader: YAMLNodeReader) throws(ConfigError) -> [String: Int] {
        var minimums: [String: Int] = [:]
        for (agentType, child) in try reader.mapping() {
            // A type no heartbeat may carry could never be met: FleetBelowExpected would fire for ever.
            let beat = JSONObject([("agent", .string("x")), ("agent_type", .string(agentType))])
            do throws(HeartbeatError) {
                _ = try HeartbeatDecoder().decode(.object(beat))
            } catch {
                throw child.error("not an agent_type a heartbeat may carry: \(error.rule)")
            }
            let count = try child.number()
            guard count >= 0, count <= 1_000_000, count.rounded() == count else {
                throw child.error("must be a whole number from 0 to 1000000")
            }
            minimums[agentType] = Int(count)
        }
        return minimums
    }
}
