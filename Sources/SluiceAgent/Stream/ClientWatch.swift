import NIOCore

/// A relay's watch over a quiet client: its `KeepaliveSchedule`, and the
/// repeating task that consults it twice per interval (so a ping goes at
/// most half an interval late). Lives on the relay's event loop.
struct ClientWatch {
    private var schedule: KeepaliveSchedule?
    private var ticker: RepeatedTask?

    /// Starts watching, `tick` called on `eventLoop` every half interval;
    /// an interval of 0 turns the watch off.
    mutating func start(interval: Double, on eventLoop: EventLoop, tick: @escaping @Sendable () -> Void) {
        guard interval > 0 else { return }
        schedule = KeepaliveSchedule(interval: interval, now: KeepaliveSchedule.now())
        let period = TimeAmount.milliseconds(max(50, Int64(interval * 500)))
        ticker = eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in tick() }
    }

    /// The client showed it is there (a frame, or it took what we sent).
    mutating func heard() {
        schedule?.heard(at: KeepaliveSchedule.now())
    }

    /// What to do now; nil when the watch is off.
    mutating func step() -> KeepaliveSchedule.Step? {
        schedule?.tick(at: KeepaliveSchedule.now())
    }

    func stop() {
        ticker?.cancel()
    }
}
