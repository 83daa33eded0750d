import Foundation

/// Notices, from clocks alone, that the session thread did not run for a
/// while: the machine was suspended (a laptop lid) or the process stopped
/// (SIGSTOP, a debugger). A link may have died meanwhile without a word, and
/// a backoff pause may have run long past its end, so the loop checks every
/// link at once instead of waiting for the next keepalive.
///
/// Two signs, checked at each wake:
/// - CLOCK_BOOTTIME runs on during a suspend, CLOCK_MONOTONIC does not: the
///   gap between them grows by the time the machine slept. The wall clock
///   jumps too, but so it does when NTP or a person sets it.
/// - A stopped process sees neither clock pause; its poll() simply returns
///   long after the timeout it asked for.
/// SIGCONT itself is the process's to catch (`Engine.linksMayHaveSlept`).
struct SleepDetector: Equatable {
    /// Both clocks at one moment.
    struct Reading: Equatable {
        var boot: Duration
        var monotonic: Duration

        static func now() -> Reading {
            Reading(boot: read(CLOCK_BOOTTIME), monotonic: read(CLOCK_MONOTONIC))
        }

        private static func read(_ clock: clockid_t) -> Duration {
            var time = timespec()
            clock_gettime(clock, &time)
            return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
        }
    }

    /// Lateness that is not a sleep: a loaded machine may run a thread late
    /// by a second or so; a link probed for nothing costs one packet.
    static let tolerance = Duration.seconds(3)

    private var gap: Duration

    init(_ reading: Reading) {
        gap = reading.boot - reading.monotonic
    }

    /// True when the thread did not run for a while between `before` (just
    /// before poll()) and `after` (just after): the machine slept since the
    /// last wake, or poll() came back well after the `timeout` it was given
    /// (milliseconds, negative for none).
    mutating func slept(before: Reading, after: Reading, timeout: Int32) -> Bool {
        let newGap = after.boot - after.monotonic
        let suspended = newGap - gap > Self.tolerance
        gap = newGap
        guard timeout >= 0 else { return suspended }
        let late = (after.monotonic - before.monotonic) - .milliseconds(timeout)
        return suspended || late > Self.tolerance
    }
}
