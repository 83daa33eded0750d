import Foundation
import NIOCore

/// The local clients a forward is serving, so that a stop can wait for
/// them to finish and then close whatever is left, and the forward's
/// counts: connections and bytes, of the open ones and of all so far.
final class ConnectionRegistry: @unchecked Sendable {
    /// What the forward has carried: its live status's numbers.
    struct Totals: Equatable {
        var open = 0
        var total = 0
        var bytesOut: UInt64 = 0
        var bytesIn: UInt64 = 0
    }

    // NSCondition guards everything below; every access takes it.
    private let condition = NSCondition()
    private var channels: [ObjectIdentifier: (channel: Channel, meter: ConnectionMeter)] = [:]
    private var total = 0
    /// Bytes of the connections that have ended.
    private var endedOut: UInt64 = 0
    private var endedIn: UInt64 = 0

    func add(_ channel: Channel, meter: ConnectionMeter) {
        condition.lock()
        channels[ObjectIdentifier(channel)] = (channel, meter)
        total += 1
        condition.unlock()
        channel.closeFuture.whenComplete { _ in self.remove(channel) }
    }

    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return channels.count
    }

    var totals: Totals {
        condition.lock()
        defer { condition.unlock() }
        var totals = Totals(open: channels.count, total: total, bytesOut: endedOut, bytesIn: endedIn)
        for (_, meter) in channels.values {
            totals.bytesOut &+= meter.bytesOut.load(ordering: .relaxed)
            totals.bytesIn &+= meter.bytesIn.load(ordering: .relaxed)
        }
        return totals
    }

    /// The open connections, oldest first.
    var meters: [ConnectionMeter] {
        condition.lock()
        defer { condition.unlock() }
        return channels.values.map(\.meter).sorted { $0.id < $1.id }
    }

    /// Resets connection `id`'s client (as SSH forwards' close does): it
    /// sees the connection fail rather than end. False when none is open.
    func reset(_ id: UInt64) -> Bool {
        condition.lock()
        let found = channels.values.first { $0.meter.id == id }?.channel
        condition.unlock()
        guard let found else { return false }
        // NIO's socket channels provide the option; a channel that does
        // not is simply closed.
        guard let provider = found as? any SocketOptionProvider else {
            found.close(promise: nil)
            return true
        }
        provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
            found.close(promise: nil)
        }
        return true
    }

    /// True when the last one finished before `deadline`.
    func waitUntilEmpty(before deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !channels.isEmpty {
            if !condition.wait(until: deadline) { return channels.isEmpty }
        }
        return true
    }

    func closeAll() {
        condition.lock()
        let open = channels.values.map(\.channel)
        condition.unlock()
        for channel in open { channel.close(promise: nil) }
    }

    private func remove(_ channel: Channel) {
        condition.lock()
        if let (_, meter) = channels.removeValue(forKey: ObjectIdentifier(channel)) {
            endedOut &+= meter.bytesOut.load(ordering: .relaxed)
            endedIn &+= meter.bytesIn.load(ordering: .relaxed)
        }
        if channels.isEmpty { condition.broadcast() }
        condition.unlock()
    }
}
