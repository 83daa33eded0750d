import Foundation
@testable import SluiceSSH
import Testing

@Suite struct SleepDetectorTests {
    typealias Reading = SleepDetector.Reading

    func reading(boot: Double, monotonic: Double) -> Reading {
        Reading(boot: .seconds(boot), monotonic: .seconds(monotonic))
    }

    @Test func aTurnOnTimeIsNoSleep() {
        var detector = SleepDetector(reading(boot: 100, monotonic: 90))
        let verdict1 = detector.slept(before: reading(boot: 100, monotonic: 90), after: reading(boot: 105, monotonic: 95), timeout: 5000)
        #expect(!verdict1)
        // Woken early by a socket: no sleep either.
        let verdict2 = detector.slept(before: reading(boot: 105, monotonic: 95), after: reading(boot: 105.5, monotonic: 95.5), timeout: 60_000)
        #expect(!verdict2)
        // A second late on a loaded machine: still none.
        let verdict3 = detector.slept(before: reading(boot: 105.5, monotonic: 95.5), after: reading(boot: 107.5, monotonic: 97.5), timeout: 1000)
        #expect(!verdict3)
    }

    /// A suspended machine: CLOCK_MONOTONIC stood still while CLOCK_BOOTTIME
    /// ran on, even though poll() came back within its timeout (by the
    /// monotonic clock) or was told to wait forever.
    @Test func aSuspendShowsAsBootTimeRunningAheadOfMonotonicTime() {
        var detector = SleepDetector(reading(boot: 100, monotonic: 100))
        let verdict4 = detector.slept(before: reading(boot: 100, monotonic: 100), after: reading(boot: 700, monotonic: 101), timeout: 5000)
        #expect(verdict4)
        // Once: the gap is the new normal.
        let verdict5 = detector.slept(before: reading(boot: 700, monotonic: 101), after: reading(boot: 705, monotonic: 106), timeout: 5000)
        #expect(!verdict5)
        let verdict6 = detector.slept(before: reading(boot: 705, monotonic: 106), after: reading(boot: 805, monotonic: 107), timeout: -1)
        #expect(verdict6)
    }

    /// A suspend while the thread was busy elsewhere (a blocking connect)
    /// shows at the next wake: the gap is kept from wake to wake.
    @Test func aSuspendOutsidePollIsSeenAtTheNextWake() {
        var detector = SleepDetector(reading(boot: 100, monotonic: 100))
        let verdict7 = detector.slept(before: reading(boot: 400, monotonic: 110), after: reading(boot: 400.1, monotonic: 110.1), timeout: 1000)
        #expect(verdict7)
    }

    /// A stopped process (SIGSTOP, then SIGCONT): both clocks ran, but
    /// poll() came back long after the timeout it was given.
    @Test func aStoppedProcessShowsAsPollReturningLate() {
        var detector = SleepDetector(reading(boot: 100, monotonic: 100))
        let verdict8 = detector.slept(before: reading(boot: 100, monotonic: 100), after: reading(boot: 125, monotonic: 125), timeout: 5000)
        #expect(verdict8)
        // Told to wait forever, a stop cannot be told from a long wait.
        let verdict9 = detector.slept(before: reading(boot: 125, monotonic: 125), after: reading(boot: 225, monotonic: 225), timeout: -1)
        #expect(!verdict9)
    }

    @Test func theClocksCanBeRead() {
        let first = Reading.now()
        let second = Reading.now()
        #expect(second.monotonic >= first.monotonic && second.boot >= first.boot)
    }
}
