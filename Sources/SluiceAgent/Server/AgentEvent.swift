/// What the agent reports as it runs; the command decides how each is
/// written (a text line, or a JSON line with --log json).
public enum AgentEvent: Equatable, Sendable {
    /// `address` is where it listens in fact (port 0 resolved).
    case listening(address: String, tls: Bool, tokenRequired: Bool, servicesPath: String, services: String)
    /// The services file's folder cannot be watched: changes apply on SIGHUP only.
    case notFollowing(path: String, reason: String)
    case servicesReloaded(path: String, services: String)
    /// A reload that failed: the previous services stay in use.
    case servicesKept(problem: String)
    case tokenReloaded(path: String)
    case tokenKept(problem: String)
    /// A request answered with an HTTP error instead of an upgrade.
    /// `target` is the request's path, as sent (to be sanitised when shown).
    case refused(client: String, target: String, status: Int, message: String)
    case streamClosed(StreamSummary)
    case stopping(openStreams: Int, drainSeconds: Double)
    case stopped
}
