import Foundation
@testable import SluiceSSH
import Testing

@Suite struct KeepaliveMonitorTests {
    let start = ContinuousClock.now

    /// A busy link receives packets all the time: it is never probed, and
    /// never called dead, however long it runs.
    @Test func anyPacketReceivedCountsAsLife() {
        var monitor = KeepaliveMonitor(interval: 5, countMax: 3, packets: 0, now: start)
        for second in 1...600 {
            #expect(monitor.tick(packets: UInt64(second), now: start + .seconds(second)) == .none)
        }
    }

    /// A silent link is probed every interval and called dead one interval
    /// after the last unanswered probe: interval x (count + 1).
    @Test func aSilentLinkIsDeadAfterIntervalTimesCountPlusOne() {
        var monitor = KeepaliveMonitor(interval: 5, countMax: 3, packets: 7, now: start)
        var actions: [Int: KeepaliveMonitor.Action] = [:]
        for second in 1...20 {
            let action = monitor.tick(packets: 7, now: start + .seconds(second))
            if action != .none { actions[second] = action }
        }
        #expect(actions == [5: .probe, 10: .probe, 15: .probe, 20: .dead])
    }

    /// An answer to the last probe saves the link, and the count starts over.
    @Test func anAnswerResetsTheCount() {
        var monitor = KeepaliveMonitor(interval: 5, countMax: 1, packets: 0, now: start)
        #expect(monitor.tick(packets: 0, now: start + .seconds(5)) == .probe)
        #expect(monitor.tick(packets: 1, now: start + .seconds(6)) == .none)
        #expect(monitor.tick(packets: 1, now: start + .seconds(10)) == .none)
        #expect(monitor.tick(packets: 1, now: start + .seconds(11)) == .probe)
        #expect(monitor.tick(packets: 1, now: start + .seconds(16)) == .dead)
    }

    /// After a sleep the check that fell due long ago does not condemn the
    /// link at once: it gets the short deadline, counted from the wake.
    @Test func afterASleepTheLinkHasTheShortDeadlineToAnswer() {
        var monitor = KeepaliveMonitor(interval: 5, countMax: 3, packets: 0, now: start)
        let woke = start + .seconds(3600)
        monitor.verify(now: woke, within: .seconds(3))
        #expect(monitor.verifying)
        #expect(monitor.nextCheck == woke + .seconds(3))
        #expect(monitor.tick(packets: 0, now: woke + .seconds(1)) == .none)
        #expect(monitor.tick(packets: 0, now: woke + .seconds(3)) == .dead)
    }

    @Test func anAnswerAfterASleepEndsTheCheck() {
        var monitor = KeepaliveMonitor(interval: 5, countMax: 3, packets: 0, now: start)
        monitor.verify(now: start + .seconds(60), within: .seconds(3))
        #expect(monitor.tick(packets: 1, now: start + .seconds(61)) == .none)
        #expect(!monitor.verifying)
        // Back to the usual pace: probes every interval, dead after four.
        #expect(monitor.tick(packets: 1, now: start + .seconds(64)) == .none)
        #expect(monitor.tick(packets: 1, now: start + .seconds(66)) == .probe)
    }

    /// A keepalive interval shorter than the deadline after a sleep wins.
    @Test func aShortIntervalShortensTheDeadlineAfterASleep() {
        var monitor = KeepaliveMonitor(interval: 1, countMax: 2, packets: 0, now: start)
        monitor.verify(now: start, within: .seconds(3))
        #expect(monitor.nextCheck == start + .seconds(1))
    }

    /// The defaults notice a dead link within 20 s.
    @Test func theDefaultsNoticeADeadLinkWithinTwentySeconds() {
        let tuning = LinkTuning()
        #expect(tuning.deadLinkBound <= 20)
        #expect(tuning.keepaliveInterval == 5)
    }
}
