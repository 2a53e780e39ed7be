import Alerting
import Cron
import Fleet
import Model
import YAMLConfig

/// The `schedules:` section: cron schedules for the agents that Alertmanager-style matchers select, in order (the
/// first entry that matches an agent applies).
///
/// ```yaml
/// schedules:
///   - matchers: ['agent="nightly-report"']
///     cron: '0 3 * * *'          # five fields; names, ranges, lists and steps as in crontab(5)
///     timezone: Europe/Berlin    # from the system's tz database; default UTC
///     grace: 1h                  # how late a run may start; default 1h, at most 31d
///     max_runtime: 2h            # how long a run may stay open before it is reported; optional, at most 31d
/// ```
enum SchedulesSection {
    static func read(_ reader: YAMLNodeReader) throws(ConfigError) -> [ScheduleRule] {
        var rules: [ScheduleRule] = []
        for item in try reader.sequence() { rules.append(try rule(item)) }
        return rules
    }

    private static func rule(_ reader: YAMLNodeReader) throws(ConfigError) -> ScheduleRule {
        var matchers: [LabelMatcher]?
        var expression: CronExpression?
        var zone = ScheduleTimeZone.utc
        var grace = AgentSchedule.defaultGrace
        var maxRuntime: PrometheusDuration?
        for (key, child) in try reader.mapping(allowed: ["matchers", "cron", "timezone", "grace", "max_runtime"]) {
            switch key {
            case "matchers": matchers = try child.alertmanagerMatchers()
            case "cron": expression = try cron(child)
            case "timezone": zone = try timeZone(child)
            case "max_runtime": maxRuntime = try self.maxRuntime(child)
            default: grace = try self.grace(child)
            }
        }
        guard let matchers else { throw reader.error("a schedule needs matchers", key: reader.childPath("matchers")) }
        guard let expression else { throw reader.error("a schedule needs cron", key: reader.childPath("cron")) }
        return ScheduleRule(
            matchers: matchers,
            schedule: AgentSchedule(
                cron: CronSchedule(expression: expression, timeZone: zone), grace: grace, maxRuntime: maxRuntime))
    }

    static func cron(_ reader: YAMLNodeReader) throws(ConfigError) -> CronExpression {
        let text = try reader.string()
        do throws(CronError) {
            return try CronExpression(parsing: text)
        } catch {
            throw reader.error(error.description)
        }
    }

    static func timeZone(_ reader: YAMLNodeReader) throws(ConfigError) -> ScheduleTimeZone {
        let name = try reader.string()
        do throws(CronError) {
            return try ScheduleTimeZone(identifier: name)
        } catch {
            throw reader.error(error.description)
        }
    }

    static func grace(_ reader: YAMLNodeReader) throws(ConfigError) -> PrometheusDuration {
        let grace = try reader.duration()
        guard grace <= AgentSchedule.maximumGrace else { throw reader.error("must be at most 31d") }
        return grace
    }

    static func maxRuntime(_ reader: YAMLNodeReader) throws(ConfigError) -> PrometheusDuration {
        let runtime = try reader.duration()
        guard runtime > .zero else { throw reader.error("must be above 0") }
        guard runtime <= AgentSchedule.maximumGrace else { throw reader.error("must be at most 31d") }
        return runtime
    }
}
