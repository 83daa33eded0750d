/// Something the user asked for that cannot be done as asked; each message
/// says what to do instead.
public enum SluiceError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidSpec(ForwardSpecError)
    case invalidDestination(String, String)
    /// An agent address, project reference or agent setting that cannot
    /// be used; the text says what and what to write instead.
    case invalidAgent(String)
    /// A setting or forward that belongs to the other transport (a token
    /// file on an SSH server, a -R forward moving to an agent).
    case wrongTransport(String)
    case invalidJump(String, String)
    case invalidIdentityFile(String, String)
    case invalidName(kind: String, name: String, problem: String)
    case unknownServer(String, known: [String])
    case unknownForward(server: String, forward: String, known: [String])
    case duplicateServer(String)
    case duplicateForward(server: String, forward: String)
    case badForwardReference(String)

    public var description: String {
        // Every value quoted here came from the user, a file or a config:
        // shown sanitised and cut short, so that a 50 MB argument or an
        // escape sequence never reaches the terminal whole.
        let echo = TerminalText.echo
        switch self {
        case .invalidSpec(let error):
            return error.description
        case let .invalidDestination(text, problem):
            return "bad destination '\(echo(text))': \(problem); expected [user@]host[:port] or an alias from ~/.ssh/config"
        case .invalidAgent(let problem):
            return "bad agent server: \(problem)"
        case .wrongTransport(let problem):
            return problem
        case let .invalidJump(text, problem):
            return "bad jump host '\(echo(text))': \(problem); expected [user@]host[:port] or an ssh config alias, several joined by commas (as ssh -J takes them)"
        case let .invalidIdentityFile(path, problem):
            return "bad identity file '\(echo(path))': the path \(problem); expected the path of a private key, e.g. ~/.ssh/id_ed25519"
        case let .invalidName(kind, name, problem):
            return "bad \(kind) name '\(echo(name))': \(problem)"
        case let .unknownServer(name, known):
            return "no server named '\(echo(name))'" + Self.choices(known, noun: "servers")
                + (known.isEmpty ? "; add one with: sluice server add NAME [user@]host" : "")
        case let .unknownForward(server, forward, known):
            return "server '\(echo(server))' has no forward named '\(echo(forward))'" + Self.choices(known, noun: "forwards")
        case .duplicateServer(let name):
            return "a server named '\(echo(name))' already exists; pick another name or remove it first (sluice server remove \(echo(name)))"
        case let .duplicateForward(server, forward):
            return "server '\(echo(server))' already has a forward named '\(echo(forward))'; pass --name to choose another"
        case .badForwardReference(let text):
            return "'\(echo(text))' does not name a forward; write SERVER/FORWARD, e.g. db/L5432 (sluice list shows the names)"
        }
    }

    /// The first few names, so that a store of thousands does not flood
    /// the message.
    static let choicesShown = 10

    private static func choices(_ known: [String], noun: String) -> String {
        guard !known.isEmpty else { return "" }
        let shown = known.prefix(choicesShown).map(TerminalText.echo).joined(separator: ", ")
        let more = known.count > choicesShown ? " and \(known.count - choicesShown) more" : ""
        return " (saved \(noun): \(shown)\(more))"
    }
}
