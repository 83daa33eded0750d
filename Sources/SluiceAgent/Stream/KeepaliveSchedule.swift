import NIOCore

/// When to ping a quiet client and when to give up on it: a client that
/// has sent nothing for `interval` is pinged, and one that then sends
/// nothing (not even the pong) for another `interval` is dropped. Times
/// are seconds on a monotonic clock.
struct KeepaliveSchedule {
    enum Step: Equatable {
        case wait
        case ping
        case giveUp
    }

    let interval: Double

    /// Seconds on the monotonic clock the schedule is kept in.
    static func now() -> Double {
        Double(NIODeadline.now().uptimeNanoseconds) / 1e9
    }
    private var lastHeard: Double
    private var pingSent: Double?

    init(interval: Double, now: Double) {
        self.interval = interval
        lastHeard = now
    }

    /// Any frame from the client, a pong or data, shows it is there.
    mutating func heard(at now: Double) {
        lastHeard = now
        pingSent = nil
    }

    mutating func tick(at now: Double) -> Step {
        if let pingSent { return now - pingSent >= interval ? .giveUp : .wait }
        guard now - lastHeard >= interval else { return .wait }
        pingSent = now
        return .ping
    }
}
