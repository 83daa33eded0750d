import Foundation
import SluiceCore

/// A forward while its session runs: its listener (for -L and -D), the port
/// the server bound (for -R), and the live counts that become its status.
final class ForwardRuntime {
    var forward: Forward
    var listener: Socket?
    /// For -R, the port the server listens on (the one it picked, for port 0).
    var remotePort: Int?
    var status: ForwardStatus
    /// When to try binding again after the port was taken.
    var nextBindAttempt = ContinuousClock.now
    /// For -R: the pauses between requests the server refused (a lost
    /// session may hold the port there until the server notices it is
    /// gone), and when to ask again; nil while no request waits.
    var remoteRetry: Backoff
    var nextRemoteAttempt: ContinuousClock.Instant?
    /// For -R: the server listened for this forward once. Refused now, it
    /// most likely still holds the port for a session that was lost.
    var wasListening = false
    /// Clients accepted while the link was down, waiting for it (they count
    /// toward the connection limit).
    var heldClients = 0

    /// A refused remote port is asked for again at the pace of reconnects.
    init(forward: Forward, tuning: LinkTuning) {
        self.forward = forward
        remoteRetry = Backoff(initial: tuning.reconnectInitial, maximum: tuning.reconnectMaximum)
        status = ForwardStatus(name: forward.name, state: forward.enabled ? .starting : .off)
    }

    var spec: ForwardSpec { forward.spec }
    var name: String { forward.name }

    func set(_ state: ForwardStatus.State, error: String? = nil) {
        if status.state != state { status.since = Date() }
        status.state = state
        // Only a forward that is up takes connections, or pauses taking them.
        if state != .up { status.acceptPause = nil }
        if let error { status.lastError = error }
    }

    /// Where users point clients (for -L, -D) or where the server listens (-R).
    func describeListening() -> String? {
        switch spec.kind {
        case .local, .dynamic:
            guard let listener else { return nil }
            return "\(spec.listen.displayHost):\(listener.localPort)"
        case .reverse:
            guard let remotePort else { return nil }
            return "\(spec.listen.displayHost):\(remotePort)"
        }
    }
}
