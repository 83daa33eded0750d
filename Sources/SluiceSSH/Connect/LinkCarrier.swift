import Foundation

/// Something a session's socket runs through instead of a plain TCP
/// connection: a jump host's relay, or the user's ProxyCommand. The
/// session stops it once its own socket is closed.
protocol LinkCarrier: AnyObject {
    /// Why it stopped carrying, when it broke on its side (a jump host that
    /// stopped answering, a ProxyCommand that exited); nil while it works.
    var failure: String? { get }
    /// Ends it and frees what it holds; returns once done.
    func stop()
    /// Gives a carrier that is ending a moment (at most `timeout`) to say
    /// why, after the session over it failed to connect.
    func settle(within timeout: TimeInterval)
}

extension LinkCarrier {
    /// Most carriers record why before they let the session see the end.
    func settle(within timeout: TimeInterval) {}
}
