/// When a relay reads its client. Always while closing, closed or between
/// `sluice.v2` connections: a close frame or a `next` must get through.
/// Never while the target is being dialled. While relaying, only when the
/// target can take more, so a slow service holds the client back instead
/// of growing a queue here. A read asked for when it may not happen is
/// held, and goes when `release` says so.
struct ClientReadGate {
    /// A read was asked for and is held back.
    private(set) var holding = false

    static func mayRead(in phase: RelayStateMachine.Phase, targetWritable: Bool) -> Bool {
        switch phase {
        case .closing, .closed, .idle: return true
        case .connecting: return false
        case .relaying: return targetWritable
        }
    }

    /// The channel asks to read: true to read now, which also settles a
    /// read held before (swift-nio's read is a request, not a count);
    /// otherwise the read is held.
    mutating func ask(in phase: RelayStateMachine.Phase, targetWritable: Bool) -> Bool {
        holding = !Self.mayRead(in: phase, targetWritable: targetWritable)
        return !holding
    }

    /// Something changed (the target took its queue, a connection ended, a
    /// close went out): true if the held read should go now.
    mutating func release(in phase: RelayStateMachine.Phase, targetWritable: Bool) -> Bool {
        guard holding, Self.mayRead(in: phase, targetWritable: targetWritable) else { return false }
        holding = false
        return true
    }
}
