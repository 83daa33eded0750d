import Foundation
import NIOCore

/// The local clients a forward is serving, so that a stop can wait for
/// them to finish and then close whatever is left.
final class ConnectionRegistry: @unchecked Sendable {
    // NSCondition guards `channels`; every access takes it.
    private let condition = NSCondition()
    private var channels: [ObjectIdentifier: Channel] = [:]

    func add(_ channel: Channel) {
        condition.lock()
        channels[ObjectIdentifier(channel)] = channel
        condition.unlock()
        channel.closeFuture.whenComplete { _ in self.remove(channel) }
    }

    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return channels.count
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
        let open = Array(channels.values)
        condition.unlock()
        for channel in open { channel.close(promise: nil) }
    }

    private func remove(_ channel: Channel) {
        condition.lock()
        channels[ObjectIdentifier(channel)] = nil
        if channels.isEmpty { condition.broadcast() }
        condition.unlock()
    }
}
