/// Where an agent listens, as a user writes it: `HOST:PORT`, `[IPv6]:PORT`,
/// or a `ws://` / `wss://` URL (port 80 / 443 by default, as URLs have,
/// and an optional path prefix for an agent behind a gateway). Parsed here
/// once, for the store and for `--node` alike.
public struct AgentURL: Sendable, Hashable, CustomStringConvertible {
    public var isSecure: Bool
    public var host: String
    public var port: Int
    /// A path the agent is served under, without a trailing `/`; empty
    /// for an agent of its own.
    public var basePath: String

    /// The port an agent listens on when nothing says otherwise.
    public static let defaultPort = 9090

    /// Why a text is not an agent address, in words to show as they are.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public init(isSecure: Bool = false, host: String, port: Int, basePath: String = "") {
        self.isSecure = isSecure
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    /// True for text that can only mean an agent (it starts with `ws://`
    /// or `wss://`); a bare HOST:PORT is also an SSH destination.
    public static func isURL(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("ws://") || lowered.hasPrefix("wss://")
    }

    public init(parsing text: String) throws(ParseError) {
        let lowered = text.lowercased()
        var rest = Substring(text)
        var isSecure = false
        var isURL = false
        if lowered.hasPrefix("ws://") {
            rest = rest.dropFirst(5)
            isURL = true
        } else if lowered.hasPrefix("wss://") {
            rest = rest.dropFirst(6)
            isSecure = true
            isURL = true
        } else if lowered.contains("://") {
            throw Self.notAnAgent(text)
        }
        var basePath = ""
        if isURL, let slash = rest.firstIndex(of: "/") {
            basePath = String(rest[slash...])
            rest = rest[..<slash]
            while basePath.hasSuffix("/") { basePath.removeLast() }
        }
        guard !basePath.contains("?"), !basePath.contains("#"), !rest.contains("@") else {
            throw ParseError(description: "\(Self.quoted(text)) is not an agent address: no user, query or fragment, just ws://HOST:PORT[/PATH]")
        }
        let (host, portText) = try Self.splitHostPort(rest, whole: text)
        let port: Int
        if let portText {
            // One spelling per port: no sign, no leading zero.
            let digits = Array(portText.utf8)
            guard (1...5).contains(digits.count), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  digits[0] != UInt8(ascii: "0"), let value = Int(portText), value <= 65535 else {
                throw ParseError(description: "\(Self.quoted(String(portText))) is not a port in \(Self.quoted(text)): use a number from 1 to 65535")
            }
            port = value
        } else if isURL {
            port = isSecure ? 443 : 80
        } else {
            throw ParseError(description: "\(Self.quoted(text)) has no port: give the agent's, e.g. \(host):\(Self.defaultPort)")
        }
        guard Self.isPlausibleHost(host), Self.isPlausiblePath(basePath) else { throw Self.notAnAgent(text) }
        self.init(isSecure: isSecure, host: host, port: port, basePath: basePath)
    }

    /// `ws://10.0.0.5:9090`, `wss://[::1]:9443/agent`: parses back to itself.
    public var description: String {
        "\(isSecure ? "wss" : "ws")://\(authority)\(basePath)"
    }

    /// `HOST:PORT`, with an IPv6 host in brackets.
    public var authority: String {
        "\(Endpoint.bracketed(host)):\(port)"
    }

    private static func notAnAgent(_ text: String) -> ParseError {
        ParseError(description: "\(quoted(text)) is not an agent address: use HOST:PORT, ws://HOST:PORT or wss://HOST:PORT")
    }

    /// As the agent transport's other messages quote (AgentError.quoted).
    static func quoted(_ text: String) -> String {
        "\"\(TerminalText.echo(text))\""
    }

    private static func splitHostPort(_ text: Substring, whole: String) throws(ParseError) -> (String, Substring?) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ParseError(description: "\(quoted(whole)) opens [ for an IPv6 address but does not close it")
            }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if after.isEmpty { return (host, nil) }
            guard after.hasPrefix(":") else {
                throw ParseError(description: "\(quoted(whole)) is not an agent address: use [IPv6]:PORT")
            }
            return (host, after.dropFirst())
        }
        let colons = text.filter { $0 == ":" }.count
        if colons == 0 { return (String(text), nil) }
        guard colons == 1, let colon = text.firstIndex(of: ":") else {
            throw ParseError(description: "\(quoted(whole)) is not an agent address: write an IPv6 address in brackets, e.g. [::1]:9090")
        }
        return (String(text[..<colon]), text[text.index(after: colon)...])
    }

    /// Letters, digits and the punctuation of names and IP addresses; the
    /// host goes into a Host header and a TLS name, so nothing else.
    private static func isPlausibleHost(_ host: String) -> Bool {
        !host.isEmpty && host.utf8.count <= HostRule.maximumLength && host.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._:%".unicodeScalars.contains(scalar))
        }
    }

    /// A path prefix of printable ASCII with no spaces.
    private static func isPlausiblePath(_ path: String) -> Bool {
        path.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }
}
