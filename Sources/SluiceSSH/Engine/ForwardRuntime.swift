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
    var nextBindAttempt = Date.distantPast

    init(forward: Forward) {
        self.forward = forward
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
