import Foundation
import SluiceCore
import Synchronization

/// One local client's connection through an agent forward, counted as it
/// goes, for the forward's totals and a connections view. Written on the
/// connection's event loop, read from anywhere.
final class ConnectionMeter: Sendable {
    let id: UInt64
    let client: String
    let openedAt: Date
    /// From the client toward the agent, and back.
    let bytesOut = Atomic<UInt64>(0)
    let bytesIn = Atomic<UInt64>(0)
    private let stage = Atomic<UInt8>(0)

    init(id: UInt64, client: String, openedAt: Date = Date()) {
        self.id = id
        self.client = client
        self.openedAt = openedAt
    }

    func sent(_ count: Int) {
        bytesOut.wrappingAdd(UInt64(count), ordering: .relaxed)
    }

    func received(_ count: Int) {
        bytesIn.wrappingAdd(UInt64(count), ordering: .relaxed)
    }

    /// Only forward: opening, then relaying, then closing.
    func advance(to state: ConnectionStatus.State) {
        let value: UInt8 = state == .opening ? 0 : state == .relaying ? 1 : 2
        _ = stage.max(value, ordering: .relaxed)
    }

    func status(destination: String) -> ConnectionStatus {
        let state: ConnectionStatus.State = switch stage.load(ordering: .relaxed) {
        case 0: .opening
        case 1: .relaying
        default: .closing
        }
        return ConnectionStatus(id: id, client: client, destination: destination, openedAt: openedAt,
                                bytesOut: bytesOut.load(ordering: .relaxed), bytesIn: bytesIn.load(ordering: .relaxed), state: state)
    }
}
