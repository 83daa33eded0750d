/// Something a session's socket runs through instead of a plain TCP
/// connection: a jump host's relay, or the user's ProxyCommand. The
/// session stops it once its own socket is closed.
protocol LinkCarrier: AnyObject {
    /// Why it stopped carrying, when it broke on its side (a jump host that
    /// stopped answering, a ProxyCommand that exited); nil while it works.
    var failure: String? { get }
    /// Ends it and frees what it holds; returns once done.
    func stop()
}
