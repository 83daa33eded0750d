/// What a forward does: its kind, where it listens and where its connections go.
///
/// For `.local` and `.dynamic` the listening side is on this machine; for
/// `.reverse` it is on the server. `.dynamic` has no fixed target.
public struct ForwardSpec: Sendable, Hashable, CustomStringConvertible {
    public var kind: ForwardKind
    public var listen: Endpoint
    public var target: Endpoint?

    public init(kind: ForwardKind, listen: Endpoint, target: Endpoint?) {
        self.kind = kind
        self.listen = listen
        self.target = target
    }

    /// The argument of the OpenSSH flag, e.g. `5432:localhost:5432`.
    public var argument: String {
        var fields: [String] = []
        if let host = listen.host { fields.append(Endpoint.bracketed(host)) }
        fields.append(String(listen.port))
        if let target {
            fields.append(Endpoint.bracketed(target.host ?? "127.0.0.1"))
            fields.append(String(target.port))
        }
        return fields.joined(separator: ":")
    }

    /// The spec as OpenSSH's command line would take it, e.g. `-L 5432:localhost:5432`.
    public var description: String { "\(kind.flag) \(argument)" }

    /// The name a forward gets when the user gives none: `L5432`, `R8080`, `D1080`.
    public var defaultName: String { "\(kind.letter)\(listen.port)" }

    /// What a target may name: a host (SSH), or a service behind an agent,
    /// `PROJECT/SERVICE`, or `SERVICE` alone where the server is a project.
    public enum TargetRule: Sendable, Equatable {
        case hosts
        case services(project: String?)
    }

    /// Checks the rules that hold however the spec was made (typed, read from
    /// the store or from an ssh config), and returns the first broken one.
    public func problem(targets: TargetRule = .hosts) -> String? {
        if case .services(let project) = targets {
            return serviceProblem(project: project)
        }
        if let problem = Self.portProblem(listen.port, side: kind == .reverse ? "server port" : "local port", zeroAllowed: kind == .reverse) {
            return problem
        }
        if let host = listen.host, let problem = HostRule.bindAddressProblem(with: host) {
            return "the bind address \(problem)"
        }
        switch (kind, target) {
        case (.dynamic, nil):
            return nil
        case (.dynamic, .some):
            return "a dynamic forward has no target host"
        case (_, nil):
            return "the target host and port are missing"
        case (_, let target?):
            guard let host = target.host, !host.isEmpty else { return "the target host is empty" }
            if let problem = HostRule.problem(with: host) { return "the target host \(problem)" }
            return Self.portProblem(target.port, side: "target port", zeroAllowed: false)
        }
    }

    /// As `problem()`, for a forward carried by an agent: only -L, and its
    /// target is a service.
    private func serviceProblem(project: String?) -> String? {
        guard kind == .local else {
            return "an agent server carries Local forwards only (-L PORT:PROJECT/SERVICE:PORT); \(kind.flag) needs an SSH server"
        }
        if let problem = Self.portProblem(listen.port, side: "local port", zeroAllowed: false) { return problem }
        if let host = listen.host, let problem = HostRule.bindAddressProblem(with: host) {
            return "the bind address \(problem)"
        }
        guard let target, let reference = target.host, !reference.isEmpty else {
            return "the service is missing; write -L PORT:PROJECT/SERVICE:PORT"
        }
        let example = project.map { "\(listen.port):\($0)/SERVICE:\(target.port) or \(listen.port):SERVICE:\(target.port)" }
            ?? "\(listen.port):PROJECT/SERVICE:\(target.port), e.g. \(listen.port):my-app/db:\(target.port)"
        if let problem = Self.serviceProblem(reference, project: project) { return "\(problem); write -L \(example)" }
        return Self.portProblem(target.port, side: "target port", zeroAllowed: false)
    }

    /// The problem with a target that should name a service (`PROJECT/SERVICE`,
    /// or `SERVICE` in a project's server), or nil.
    public static func serviceProblem(_ reference: String, project: String?) -> String? {
        let parts = reference.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1, project == nil {
            return "'\(TerminalText.echo(reference))' names no project; an agent's services are PROJECT/SERVICE"
        }
        guard parts.count <= 2 else { return "'\(TerminalText.echo(reference))' is not a service" }
        if parts.count == 2, let project, parts[0] != project {
            return "this server is project \(project), and '\(TerminalText.echo(reference))' names project \(TerminalText.echo(parts[0]))"
        }
        for (part, noun) in zip(parts.reversed(), ["service", "project"]) {
            if let problem = AgentNameRule.problem(with: part) {
                return "the \(noun) name '\(TerminalText.echo(part))' \(problem)"
            }
        }
        return nil
    }

    /// For a forward carried by an agent: the project and service its
    /// target names, the project taken from the server's where the target
    /// names a service alone.
    public func service(defaultProject: String?) -> (project: String, service: String)? {
        guard let reference = target?.host else { return nil }
        let parts = reference.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1: return defaultProject.map { ($0, parts[0]) }
        case 2: return (parts[0], parts[1])
        default: return nil
        }
    }

    static func portProblem(_ port: Int, side: String, zeroAllowed: Bool) -> String? {
        if port == 0 && !zeroAllowed {
            return "\(side) 0 is only allowed for -R, where it lets the server pick a port"
        }
        if port < 0 || port > 65535 {
            return "\(side) \(port) is out of range (\(zeroAllowed ? 0 : 1)-65535)"
        }
        return nil
    }
}
