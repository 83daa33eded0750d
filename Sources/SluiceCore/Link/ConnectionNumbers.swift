import Synchronization

/// Hands out connection numbers, one engine-wide sequence shared by every
/// session thread: 1, 2, 3... in the order connections come, never reused,
/// so a number names one connection for good (a close can never hit the
/// connection that came after the one the user saw).
public final class ConnectionNumbers: Sendable {
    public init() {}

    private let last = Atomic<UInt64>(0)

    public func next() -> UInt64 {
        last.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// The highest number handed out so far.
    public var highest: UInt64 { last.load(ordering: .relaxed) }
}
