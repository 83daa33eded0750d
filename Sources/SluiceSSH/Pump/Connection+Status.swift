import Foundation
import SluiceCore

/// What a connections view shows of a connection, built only when asked.
extension Connection {
    func status() -> ConnectionStatus {
        ConnectionStatus(id: id, client: client(), destination: destination, openedAt: openedAt,
                         bytesOut: bytesOut, bytesIn: bytesIn, state: statusState)
    }

    /// For -L and -D the local client; for -R the server's side, as far as
    /// the server told (the local socket goes to the target).
    private func client() -> String {
        if forward.spec.kind == .reverse { return origin ?? "server" }
        if peerAddress == nil { peerAddress = socket.peerAddress }
        // A client reset before it was first asked about has no address left.
        return peerAddress ?? "gone"
    }

    private var statusState: ConnectionStatus.State {
        switch phase {
        case .socksHandshake, .opening, .connectingLocal:
            return .opening
        case .relaying:
            return localEOF || remoteEOF ? .closing : .relaying
        case .finished:
            return .closing
        }
    }
}
