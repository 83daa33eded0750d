import Foundation
import SluiceCore

/// What went wrong on the way to a service behind an agent, in words a
/// user can act on: each names the agent, how Sluice found it, and what to
/// change.
public enum AgentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Input Sluice cannot use; the message says what to type instead.
    case invalid(String)
    /// The local listener could not be opened (errno from bind or listen).
    case cannotListen(host: String, port: Int, code: Int32)
    /// No connection to the agent: `reason` is the system's word for it.
    case unreachable(agent: AgentAddress, reason: String)
    /// The agent answered an HTTP error instead of upgrading.
    case refused(Refusal)
    /// Something answered, but not as an agent does.
    case notAnAgent(agent: AgentAddress, detail: String)
    /// The agent did not finish the handshake in time.
    case timedOut(agent: AgentAddress, seconds: Int)
    /// The control plane could not say where the agent is; phrased where
    /// it happened.
    case controlPlane(String)
    /// The control plane refused the token (401, 403): asking again with
    /// the same token cannot help.
    case controlPlaneRefusedToken(String)

    /// An agent's HTTP answer before the upgrade (docs/agent-protocol.md,
    /// "Before the upgrade").
    public struct Refusal: Equatable, Sendable {
        public var agent: AgentAddress
        public var route: ServiceRoute
        public var status: Int
        public var reason: String
        /// The body's `message`, cleaned for a terminal; nil without one.
        public var message: String?
        /// Where the token sent came from; nil when none was sent.
        public var tokenSource: String?
    }

    public var description: String {
        switch self {
        case let .invalid(text), let .controlPlane(text), let .controlPlaneRefusedToken(text):
            return text
        case let .cannotListen(host, port, code):
            return "cannot listen on \(AgentAddress.bracketed(host)):\(port): \(String(cString: strerror(code)))"
        case let .unreachable(agent, reason):
            let hint: String
            switch agent.provenance {
            case .given: hint = "is the agent running there?"
            case .saved(let server): hint = "is the agent running there? (sluice server edit \(server) --destination URL changes it)"
            case .resolved: hint = "if this machine reaches the node by another address, \(agent.terms.useAgentAddress)"
            }
            return "cannot reach the agent at \(agent) (\(agent.origin)): \(reason); \(hint)"
        case let .refused(refusal):
            return refusal.description
        case let .notAnAgent(agent, detail):
            return "\(agent) (\(agent.origin)) did not answer as a Sluice agent: \(detail)"
        case let .timedOut(agent, seconds):
            return "the agent at \(agent) (\(agent.origin)) did not finish the WebSocket handshake within \(seconds) s"
        }
    }

    /// Text from a peer (an agent's message, a close reason) made safe
    /// and short for one line.
    static func printable(_ text: String) -> String {
        TerminalText.sanitized(text.trimmingCharacters(in: .whitespacesAndNewlines), limit: 300)
    }

    /// User input echoed in a message, quoted.
    static func quoted(_ text: String) -> String {
        "\"\(TerminalText.echo(text))\""
    }
}

extension AgentError.Refusal: CustomStringConvertible {
    public var description: String {
        let said = message.map { ": \($0)" } ?? ""
        switch status {
        case 401:
            if let tokenSource {
                return "the agent at \(agent) did not accept the token from \(tokenSource)\(said); \(agent.terms.checkToken)"
            }
            return "the agent at \(agent) wants a token: \(agent.terms.giveToken)"
        case 404:
            return "the agent at \(agent) has no \(route.reference)\(said)"
        case 409:
            // The agent's own words name the phase ("my-app is Pending: no
            // container to connect to yet"); they are the message.
            return message ?? "\(route.project) is not running: no container to connect to yet (agent at \(agent))"
        case 400:
            return "the agent at \(agent) refused the request for \(route)\(said)"
        case 503:
            return "the agent at \(agent) is at its connection limit\(said); try again when some of its connections close"
        default:
            return "the agent at \(agent) answered \(status) \(reason) for \(route)\(said)"
        }
    }
}
