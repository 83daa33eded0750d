import NIOConcurrencyHelpers
import NIOCore

/// The streams that are open, so that shutdown can reach each on its own
/// event loop: first to close it with 1001 after the drain, then, for one
/// that does not go, to drop its connection.
final class StreamRegistry: Sendable {
    private struct Entry: Sendable {
        var relay: NIOLoopBound<StreamRelay>
        var channel: Channel
    }

    private let entries = NIOLockedValueBox([ObjectIdentifier: Entry]())

    func add(_ relay: StreamRelay, channel: Channel) {
        let entry = Entry(relay: NIOLoopBound(relay, eventLoop: channel.eventLoop), channel: channel)
        entries.withLockedValue { $0[ObjectIdentifier(relay)] = entry }
    }

    func remove(_ relay: StreamRelay) {
        _ = entries.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(relay)) }
    }

    var count: Int { entries.withLockedValue { $0.count } }

    /// Asks every stream to close with 1001.
    func stopAll() {
        for entry in entries.withLockedValue({ Array($0.values) }) {
            let relay = entry.relay
            entry.channel.eventLoop.execute { relay.value.agentStopping() }
        }
    }

    /// Tells every stream that shutdown began: a `sluice.v2` stream
    /// between connections closes at once (1001), as one does whose
    /// connection ends during the drain. Returns how many streams still
    /// carry a connection. Call off the event loops.
    func drainStarted() -> Int {
        let waits = entries.withLockedValue { Array($0.values) }.map { entry in
            let relay = entry.relay
            return entry.channel.eventLoop.submit { relay.value.agentDraining() }
        }
        return waits.reduce(0) { busy, wait in busy + ((try? wait.wait()) == true ? 0 : 1) }
    }

    /// Drops every connection that is still open.
    func closeAll() {
        for entry in entries.withLockedValue({ Array($0.values) }) {
            entry.channel.close(promise: nil)
        }
    }
}
