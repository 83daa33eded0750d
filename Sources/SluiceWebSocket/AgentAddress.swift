import SluiceCore

/// Where an agent listens: `ws://` or `wss://`, host and port, and how
/// Sluice came to it, which every message about reaching it repeats.
public struct AgentAddress: Sendable, Equatable, CustomStringConvertible {
    public enum Scheme: String, Sendable {
        case ws
        case wss
    }

    /// How the address was found, for messages: a user who cannot reach an
    /// agent needs to know whether to fix their `--node` or their control plane.
    public enum Provenance: Sendable, Equatable {
        /// Typed by the user (`--node`).
        case given
        /// Saved in the store as a server's address.
        case saved(server: String)
        /// From a control plane: the project's node, and whether its port
        /// was the 9090 default because the node names none.
        case resolved(controlPlane: String, project: String, node: String, defaultPort: Bool)
    }

    public var scheme: Scheme
    public var host: String
    public var port: Int
    /// A path the agent is served under (a gateway's prefix), without a
    /// trailing `/`; empty for an agent of its own.
    public var basePath: String
    public var provenance: Provenance
    /// How messages about this agent name what to change; a saved
    /// server's own address says so itself, a control plane's answer is
    /// told by whoever asked.
    public var terms: AdviceTerms

    /// The port an agent listens on when nothing says otherwise.
    public static let defaultPort = AgentURL.defaultPort

    public init(scheme: Scheme = .ws, host: String, port: Int, basePath: String = "", provenance: Provenance) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
        self.provenance = provenance
        if case .saved(let server) = provenance { terms = .savedServer(server) } else { terms = .commandLine }
    }

    /// `HOST:PORT`, `[IPv6]:PORT`, or a `ws://` / `wss://` URL (its port
    /// defaults to 80 / 443 as URLs do, and it may carry a path prefix).
    public init(parsing text: String, provenance: Provenance = .given) throws(AgentError) {
        let url: AgentURL
        do {
            url = try AgentURL(parsing: text)
        } catch {
            throw .invalid(error.description)
        }
        self.init(url, provenance: provenance)
    }

    public init(_ url: AgentURL, provenance: Provenance) {
        self.init(scheme: url.isSecure ? .wss : .ws, host: url.host, port: url.port, basePath: url.basePath, provenance: provenance)
    }

    /// `10.0.0.5:9090` for ws, `wss://agent.example.com:443` for wss, so a
    /// message shows TLS only where there is some.
    public var description: String {
        let authority = "\(Self.bracketed(host)):\(port)"
        return (scheme == .ws ? authority : "wss://\(authority)") + basePath
    }

    /// The Host header's value.
    var hostHeader: String { "\(Self.bracketed(host)):\(port)" }

    /// How the address was found, as a clause: "given with --node".
    public var origin: String {
        switch provenance {
        case .given:
            return "given with --node"
        case .saved(let server):
            return "saved as server \(server)'s address"
        case let .resolved(controlPlane, project, node, defaultPort):
            let port = defaultPort ? ", on port \(Self.defaultPort) because the node names no agentPort" : ""
            return "node \(node) of project \(project), from the control plane at \(controlPlane)\(port)"
        }
    }

    static func bracketed(_ host: String) -> String {
        Endpoint.bracketed(host)
    }
}
