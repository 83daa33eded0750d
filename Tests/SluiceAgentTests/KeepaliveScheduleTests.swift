@testable import SluiceAgent
import Testing

@Suite struct KeepaliveScheduleTests {
    @Test func aQuietClientIsPingedThenDropped() {
        var schedule = KeepaliveSchedule(interval: 10, now: 0)
        #expect(schedule.tick(at: 5) == .wait)
        #expect(schedule.tick(at: 10) == .ping)
        #expect(schedule.tick(at: 15) == .wait)
        #expect(schedule.tick(at: 20) == .giveUp)
    }

    @Test func anAnswerStartsTheWaitAgain() {
        var schedule = KeepaliveSchedule(interval: 10, now: 0)
        #expect(schedule.tick(at: 10) == .ping)
        schedule.heard(at: 12)
        #expect(schedule.tick(at: 20) == .wait)
        #expect(schedule.tick(at: 22) == .ping)
    }
}
