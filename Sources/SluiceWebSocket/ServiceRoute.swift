import SluiceCore

/// A service behind an agent, as the forward path names it: the project,
/// the service in it, and the port the service listens on there
/// (docs/agent-protocol.md, "The endpoint").
public struct ServiceRoute: Sendable, Equatable, CustomStringConvertible {
    public let project: String
    public let service: String
    public let port: Int

    /// Checks each part against the protocol's rules, so that nothing a
    /// user typed can change the path (a `/`, `..`, a `?`).
    public init(project: String, service: String, port: Int) throws(AgentError) {
        try Self.check(project, noun: "project")
        try Self.check(service, noun: "service")
        guard (1...65535).contains(port) else {
            throw .invalid("\(port) is not a port: use 1 to 65535")
        }
        self.project = project
        self.service = service
        self.port = port
    }

    /// `PROJECT/SERVICE` as a user types it, and the port.
    public init(reference: String, port: Int) throws(AgentError) {
        let parts = reference.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw .invalid("\(AgentError.quoted(reference)) is not PROJECT/SERVICE (e.g. my-app/db)")
        }
        try self.init(project: String(parts[0]), service: String(parts[1]), port: port)
    }

    /// The agent's path for this route.
    public var path: String { "/api/v1/forward/\(project)/\(service)/\(port)" }

    /// `my-app/db:5432`, as messages name it.
    public var description: String { "\(project)/\(service):\(port)" }

    /// `my-app/db`.
    public var reference: String { "\(project)/\(service)" }

    /// The protocol's names (AgentNameRule): ASCII letters, digits, `-`,
    /// `_` and `.`, 1 to 63 of them, not starting with `-` or `.`.
    public static func isValidName(_ name: String) -> Bool {
        AgentNameRule.problem(with: name) == nil
    }

    static func check(_ name: String, noun: String) throws(AgentError) {
        guard isValidName(name) else {
            throw .invalid("\(AgentError.quoted(name)) is not a \(noun) name: use letters, digits, -, _ and . (1 to 63 of them, not starting with - or .)")
        }
    }
}
