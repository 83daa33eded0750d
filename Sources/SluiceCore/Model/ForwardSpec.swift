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

    /// Checks the rules that hold however the spec was made (typed, read from
    /// the store or from an ssh config), and returns the first broken one.
    public func problem() -> String? {
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
