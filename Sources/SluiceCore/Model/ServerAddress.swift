/// How a server is reached, which is also what carries its forwards: an SSH
/// session, or WebSockets to a node agent (docs/agent-protocol.md), the
/// agent either saved as a URL or found through a control plane each time
/// the link is made.
public enum ServerAddress: Sendable, Hashable, CustomStringConvertible {
    /// `[user@]host[:port]` or an ssh config alias.
    case ssh(Destination)
    /// An agent at a fixed address, `ws://HOST:PORT` or `wss://...`.
    case agent(AgentURL)
    /// A project whose agent the control plane names, asked again on
    /// every reconnect so that a project moved to another node is followed.
    case project(String, controlPlane: ControlPlaneURL)

    /// `ws://` and `wss://` URLs are agents, `PROJECT via URL` is a
    /// project reference, and anything else an SSH destination.
    public init(parsing text: String) throws(SluiceError) {
        if AgentURL.isURL(text) {
            do {
                self = .agent(try AgentURL(parsing: text))
            } catch {
                throw .invalidAgent(error.description)
            }
            return
        }
        if let via = text.range(of: Self.projectSeparator) {
            self = try Self.project(String(text[..<via.lowerBound]), controlPlane: String(text[via.upperBound...]))
            return
        }
        self = .ssh(try Destination(parsing: text))
    }

    /// A project reference, each part checked.
    public static func project(_ project: String, controlPlane: String) throws(SluiceError) -> ServerAddress {
        if let problem = AgentNameRule.problem(with: project) {
            throw .invalidAgent("the project name '\(TerminalText.echo(project))' \(problem); use letters, digits, -, _ and . (1 to 63 of them, not starting with - or .)")
        }
        do {
            return .project(project, controlPlane: try ControlPlaneURL(parsing: controlPlane))
        } catch {
            throw .invalidAgent(error.description)
        }
    }

    static let projectSeparator = " via "

    /// As typed, and as `init(parsing:)` reads it back: `deploy@db:2222`,
    /// `ws://10.0.0.5:9090`, `my-app via http://cp:8080`.
    public var description: String {
        switch self {
        case .ssh(let destination): return destination.description
        case .agent(let url): return url.description
        case let .project(project, controlPlane): return "\(project)\(Self.projectSeparator)\(controlPlane)"
        }
    }

    /// The SSH destination; nil for an agent.
    public var destination: Destination? {
        if case .ssh(let destination) = self { return destination }
        return nil
    }

    public var isAgent: Bool { destination == nil }

    /// How the transport is named in lists and on the screen.
    public var transportName: String {
        switch self {
        case .ssh: return "ssh"
        case .agent(let url): return url.isSecure ? "wss" : "ws"
        case .project: return "agent"
        }
    }

    /// For a project reference, its project: forwards may then name a
    /// service alone (`-L 5432:db:5432`).
    public var project: String? {
        if case .project(let project, _) = self { return project }
        return nil
    }
}
