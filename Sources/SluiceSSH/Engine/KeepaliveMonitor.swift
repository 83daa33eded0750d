import Foundation

/// Decides when to probe a quiet link and when to call it dead, from the
/// count of packets received: any packet from the server (channel data,
/// a window adjustment, a keepalive reply) proves it alive, so a busy link
/// is never probed, let alone declared dead.
struct KeepaliveMonitor: Equatable {
    enum Action: Equatable {
        case none
        case probe
        case dead
    }

    typealias Instant = ContinuousClock.Instant

    let interval: Duration
    let countMax: Int
    private var lastPackets: UInt64
    private var missed = 0
    private(set) var nextCheck: Instant
    /// True from `verify` until the server answers or the link is called
    /// dead: the link may be gone (the machine slept), so new clients had
    /// better wait for the verdict than open channels on it.
    private(set) var verifying = false

    init(interval: TimeInterval, countMax: Int, packets: UInt64, now: Instant) {
        self.interval = .seconds(interval)
        self.countMax = countMax
        lastPackets = packets
        nextCheck = now + self.interval
    }

    mutating func tick(packets: UInt64, now: Instant) -> Action {
        if packets != lastPackets {
            lastPackets = packets
            missed = 0
            verifying = false
            nextCheck = now + interval
            return .none
        }
        guard now >= nextCheck else { return .none }
        if missed >= countMax { return .dead }
        missed += 1
        nextCheck = now + interval
        return .probe
    }

    /// After a sleep, the link gets one probe (the caller sends it) and
    /// `deadline` (or the interval, if shorter) to answer it, instead of
    /// the usual interval x (count + 1): a link that died while the machine
    /// slept is replaced within seconds. Counted from now, not from the
    /// check that fell due during the sleep.
    mutating func verify(now: Instant, within deadline: Duration) {
        missed = countMax
        verifying = true
        nextCheck = now + min(interval, deadline)
    }
}
