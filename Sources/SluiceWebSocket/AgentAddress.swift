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

    /// The port an agent listens on when nothing says otherwise.
    public static let defaultPort = 9090

    public init(scheme: Scheme = .ws, host: String, port: Int, basePath: String = "", provenance: Provenance) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
        self.provenance = provenance
    }

    /// `HOST:PORT`, `[IPv6]:PORT`, or a `ws://` / `wss://` URL (its port
    /// defaults to 80 / 443 as URLs do, and it may carry a path prefix).
    public init(parsing text: String, provenance: Provenance = .given) throws(AgentError) {
        let lowered = text.lowercased()
        var rest = Substring(text)
        var scheme = Scheme.ws
        var isURL = false
        if lowered.hasPrefix("ws://") {
            rest = rest.dropFirst(5)
            isURL = true
        } else if lowered.hasPrefix("wss://") {
            rest = rest.dropFirst(6)
            scheme = .wss
            isURL = true
        } else if lowered.contains("://") {
            throw .invalid("\(AgentError.quoted(text)) is not an agent address: use HOST:PORT, ws://HOST:PORT or wss://HOST:PORT")
        }
        var basePath = ""
        if isURL, let slash = rest.firstIndex(of: "/") {
            basePath = String(rest[slash...])
            rest = rest[..<slash]
            while basePath.hasSuffix("/") { basePath.removeLast() }
        }
        guard !basePath.contains("?"), !basePath.contains("#"), !rest.contains("@") else {
            throw .invalid("\(AgentError.quoted(text)) is not an agent address: no user, query or fragment, just ws://HOST:PORT[/PATH]")
        }
        let (host, portText) = try Self.splitHostPort(rest, whole: text)
        let port: Int
        if let portText {
            port = try PortNumber.parse(String(portText), role: "port in \(AgentError.quoted(text))")
        } else if isURL {
            port = scheme == .wss ? 443 : 80
        } else {
            throw .invalid("\(AgentError.quoted(text)) has no port: give the agent's, e.g. \(host):\(Self.defaultPort)")
        }
        guard Self.isPlausibleHost(host), Self.isPlausiblePath(basePath) else {
            throw .invalid("\(AgentError.quoted(text)) is not an agent address: use HOST:PORT, ws://HOST:PORT or wss://HOST:PORT")
        }
        self.init(scheme: scheme, host: host, port: port, basePath: basePath, provenance: provenance)
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
        case let .resolved(controlPlane, project, node, defaultPort):
            let port = defaultPort ? ", on port \(Self.defaultPort) because the node names no agentPort" : ""
            return "node \(node) of project \(project), from the control plane at \(controlPlane)\(port)"
        }
    }

    static func bracketed(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }

    private static func splitHostPort(_ text: Substring, whole: String) throws(AgentError) -> (String, Substring?) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .invalid("\(AgentError.quoted(whole)) opens [ for an IPv6 address but does not close it")
            }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if after.isEmpty { return (host, nil) }
            guard after.hasPrefix(":") else {
                throw .invalid("\(AgentError.quoted(whole)) is not an agent address: use [IPv6]:PORT")
            }
            return (host, after.dropFirst())
        }
        let colons = text.filter { $0 == ":" }.count
        if colons == 0 { return (String(text), nil) }
        guard colons == 1, let colon = text.firstIndex(of: ":") else {
            throw .invalid("\(AgentError.quoted(whole)) is not an agent address: write an IPv6 address in brackets, e.g. [::1]:9090")
        }
        return (String(text[..<colon]), text[text.index(after: colon)...])
    }

    /// Letters, digits and the punctuation of names and IP addresses; the
    /// host goes into a Host header and a TLS name, so nothing else.
    private static func isPlausibleHost(_ host: String) -> Bool {
        !host.isEmpty && host.utf8.count <= 253 && host.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._:%".unicodeScalars.contains(scalar))
        }
    }

    /// A path prefix of printable ASCII with no spaces.
    private static func isPlausiblePath(_ path: String) -> Bool {
        path.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }
}
