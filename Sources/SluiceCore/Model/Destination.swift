/// Where a server is reached: `[user@]host[:port]`, `ssh://[user@]host[:port]`,
/// or an alias from the user's ssh config. IPv6 hosts with a port go in
/// brackets (`[::1]:2222`).
public struct Destination: Sendable, Hashable, CustomStringConvertible {
    public var user: String?
    public var host: String
    public var port: Int?

    public init(user: String?, host: String, port: Int?) {
        self.user = user
        self.host = host
        self.port = port
    }

    public init(parsing text: String) throws(SluiceError) {
        func fail(_ problem: String) -> SluiceError { .invalidDestination(text, problem) }
        var rest = Substring(text)
        if rest.hasPrefix("ssh://") { rest = rest.dropFirst(6) }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty else { throw fail("it is empty") }
        if rest.contains(where: { $0.isWhitespace || $0.isNewline }) { throw fail("it contains a space") }
        var user: String?
        // OpenSSH splits at the last '@', so user names may hold one.
        if let at = rest.lastIndex(of: "@") {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
            guard user?.isEmpty == false else { throw fail("the user name before '@' is empty") }
        }
        var host = rest
        var portText: Substring?
        if rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { throw fail("a '[' is not closed by ']'") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw fail("expected ':port' after ']'") }
                portText = after.dropFirst()
            }
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty else { throw fail("the host is empty") }
        if host.contains("/") { throw fail("the host '\(TerminalText.echo(String(host)))' contains '/'") }
        var port: Int?
        if let portText {
            guard let value = Int(portText), portText.allSatisfy({ $0.isASCII && $0.isNumber }), (1...65535).contains(value) else {
                throw fail("'\(TerminalText.echo(String(portText)))' is not a port number (1-65535)")
            }
            port = value
        }
        self.init(user: user, host: String(host), port: port)
        if let problem = problem() { throw fail(problem) }
    }

    /// Checks the rules that hold however the destination was made (typed,
    /// read from the store, imported from an ssh config), and returns the
    /// first broken one.
    public func problem() -> String? {
        if let user, let problem = UserNameRule.problem(with: user) { return "the user name \(problem)" }
        if let problem = HostRule.problem(with: host) { return "the host \(problem)" }
        if let port, !(1...65535).contains(port) { return "port \(port) is out of range (1-65535)" }
        return nil
    }

    public var description: String {
        var text = user.map { "\($0)@" } ?? ""
        if let port {
            text += "\(Endpoint.bracketed(host)):\(port)"
        } else {
            text += host
        }
        return text
    }
}
