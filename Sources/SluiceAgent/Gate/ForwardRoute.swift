import SluiceCore

/// A request's target, read from its path: `/api/v1/forward/{project}/{service}/{port}`.
public struct ForwardRoute: Equatable, Sendable, CustomStringConvertible {
    public var project: String
    public var service: String
    public var port: Int

    public static let prefix = "/api/v1/forward/"

    public init(project: String, service: String, port: Int) {
        self.project = project
        self.service = service
        self.port = port
    }

    /// `my-app/db:5432`, as log lines and messages write it.
    public var description: String { "\(project)/\(service):\(port)" }

    /// Reads the part of a path after `prefix`; the problem, worded for
    /// the client, when it is not `{project}/{service}/{port}`.
    static func parse(_ rest: Substring) -> Result<ForwardRoute, Rejection> {
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            return .failure(.badRequest("the path should be \(prefix){project}/{service}/{port}"))
        }
        for (part, what) in [(parts[0], "project"), (parts[1], "service")] {
            if let problem = AgentNameRule.problem(with: String(part)) {
                return .failure(.badRequest("the \(what) name \"\(TerminalText.echo(String(part)))\" \(problem)"))
            }
        }
        guard let port = port(parts[2]) else {
            return .failure(.badRequest("the port \"\(TerminalText.echo(String(parts[2])))\" should be a number from 1 to 65535"))
        }
        return .success(ForwardRoute(project: String(parts[0]), service: String(parts[1]), port: port))
    }

    /// 1 to 65535 in decimal, without a sign or leading zeros.
    private static func port(_ text: Substring) -> Int? {
        guard (1...5).contains(text.utf8.count), text.first != "0",
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let port = Int(text), (1...65535).contains(port) else { return nil }
        return port
    }
}
