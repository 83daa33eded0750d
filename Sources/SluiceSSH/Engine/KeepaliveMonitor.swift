import Foundation

/// Decides when to probe a quiet link and when to call it dead, from the
/// count of packets received: any packet from the server proves it alive.
struct KeepaliveMonitor: Equatable {
    enum Action: Equatable {
        case none
        case probe
        case dead
    }

    let interval: TimeInterval
    let countMax: Int
    private var lastPackets: UInt64
    private var missed = 0
    private(set) var nextCheck: Date

    init(interval: TimeInterval, countMax: Int, packets: UInt64, now: Date) {
        self.interval = interval
        self.countMax = countMax
        lastPackets = packets
        nextCheck = now.addingTimeInterval(interval)
    }

    mutating func tick(packets: UInt64, now: Date) -> Action {
        if packets != lastPackets {
            lastPackets = packets
            missed = 0
            nextCheck = now.addingTimeInterval(interval)
            return .none
        }
        guard now >= nextCheck else { return .none }
        if missed >= countMax { return .dead }
        missed += 1
        nextCheck = now.addingTimeInterval(interval)
        return .probe
    }
}
