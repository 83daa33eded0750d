import Foundation

/// Said once, when a link has let go of everything it held; any number of
/// callers may wait for it (Engine.apply, before another link binds the
/// same ports).
public final class EndSignal: @unchecked Sendable {
    // The condition guards `hasEnded`.
    private let condition = NSCondition()
    private var hasEnded = false

    public init() {}

    public func signal() {
        condition.lock()
        hasEnded = true
        condition.broadcast()
        condition.unlock()
    }

    /// True once signalled; false if `timeout` passed first.
    public func wait(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !hasEnded {
            if !condition.wait(until: deadline) { return hasEnded }
        }
        return true
    }
}
