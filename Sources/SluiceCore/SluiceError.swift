/// Something the user asked for that cannot be done as asked; each message
/// says what to do instead.
public enum SluiceError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidSpec(ForwardSpecError)
    case invalidDestination(String, String)
    case invalidJump(String, String)
    case invalidName(kind: String, name: String, problem: String)
    case unknownServer(String, known: [String])
    case unknownForward(server: String, forward: String, known: [String])
    case duplicateServer(String)
    case duplicateForward(server: String, forward: String)
    case badForwardReference(String)

    public var description: String {
        switch self {
        case .invalidSpec(let error):
            return error.description
        case let .invalidDestination(text, problem):
            return "bad destination '\(text)': \(problem); expected [user@]host[:port] or an alias from ~/.ssh/config"
        case let .invalidJump(text, problem):
            return "bad jump host '\(TerminalText.echo(text))': \(problem); expected [user@]host[:port] or an ssh config alias, several joined by commas (as ssh -J takes them)"
        case let .invalidName(kind, name, problem):
            return "bad \(kind) name '\(name)': \(problem)"
        case let .unknownServer(name, known):
            return "no server named '\(name)'" + Self.choices(known, noun: "servers")
                + (known.isEmpty ? "; add one with: sluice server add NAME [user@]host" : "")
        case let .unknownForward(server, forward, known):
            return "server '\(server)' has no forward named '\(forward)'" + Self.choices(known, noun: "forwards")
        case .duplicateServer(let name):
            return "a server named '\(name)' already exists; pick another name or remove it first (sluice server remove \(name))"
        case let .duplicateForward(server, forward):
            return "server '\(server)' already has a forward named '\(forward)'; pass --name to choose another"
        case .badForwardReference(let text):
            return "'\(text)' does not name a forward; write SERVER/FORWARD, e.g. db/L5432 (sluice list shows the names)"
        }
    }

    private static func choices(_ known: [String], noun: String) -> String {
        known.isEmpty ? "" : " (saved \(noun): \(known.joined(separator: ", ")))"
    }
}
