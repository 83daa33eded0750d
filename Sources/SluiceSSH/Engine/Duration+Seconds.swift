import Foundation

/// The engine keeps its deadlines on `ContinuousClock` (CLOCK_BOOTTIME on
/// Linux): a wall clock set back or forward, by NTP or a person, must not
/// postpone a keepalive verdict or a reconnect. Settings and status speak
/// seconds; these convert at the edge.
extension Duration {
    /// The duration as a number of seconds.
    var inSeconds: TimeInterval {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The milliseconds poll() should sleep to reach a deadline this far
    /// ahead: rounded up (waking early would spin), never negative, at most
    /// a minute (a long sleep gains nothing and a lost wake costs little).
    var pollMilliseconds: Int32 {
        Int32(max(0, min(60_000, (inSeconds * 1000).rounded(.up))))
    }
}
