import Fleet
import Model
import Recovery
import TestSupport
import Testing

/// Two nodes sharing storage (issue 20): only the leader moves recovery ladders on, so an agent is restarted once,
/// not by every node; the node that takes the lead goes on with the runs the other stored and takes up the agents
/// that went down while it followed.
struct LadderTakeOverTests {
    let leader = LadderRunnerFixture()

    @Test func theNewLeaderGoesOnWithTheStoredRunWithoutRunningItsStepAgain() async throws {
        let runner = try leader.runner([try LadderRunnerFixture.ladder()])
        try leader.beat("w1")
        await leader.pass(300, every: 30, runner)
        #expect(leader.steps.carriedOut == ["restart systemctl restart agent@w1.service"])

        // The other node, which followed: it never ticked its runner, then takes the lead.
        let follower = try LadderRunnerFixture(restartOf: leader, steps: ScriptedSteps(clock: leader.clock))
        let next = try follower.runner([try LadderRunnerFixture.ladder()])
        #expect(next.runningAgents == ["w1"], "the stored run, read back at start")
        try next.takeOver()
        await follower.pass(60, next)
        #expect(follower.steps.carriedOut.isEmpty, "the restart the other node ran is not run again")
        await follower.pass(120, next)
        #expect(follower.steps.carriedOut == ["replace http://127.0.0.1:9/replace"], "the ladder goes on")
    }

    @Test func anAgentThatWentDownWhileTheNodeFollowedIsTakenUpWhenItLeads() async throws {
        let runner = try leader.runner([try LadderRunnerFixture.ladder()])
        try leader.beat("w1")
        // Following: the sweep notices w1 go unreachable, the runner is not ticked.
        for _ in 0..<10 {
            leader.clock.advance(by: 30)
            _ = leader.registry.sweep(at: leader.clock.now())
        }
        #expect(leader.state("w1") == .unreachable)
        #expect(leader.steps.carriedOut.isEmpty)
        try runner.takeOver()
        await leader.tick(runner)
        #expect(leader.steps.carriedOut == ["restart systemctl restart agent@w1.service"])
        #expect(leader.state("w1") == .recovering)
        await leader.tick(runner)
        #expect(leader.steps.carriedOut.count == 1, "considered once")
    }
}
