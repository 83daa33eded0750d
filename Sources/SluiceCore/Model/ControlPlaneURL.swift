import Foundation

/// A control plane's address: `http://HOST[:PORT][/PATH]` or `https://...`,
/// without a user, query or fragment. Parsed here once, for the store and
/// for `--control-plane` alike.
public struct ControlPlaneURL: Sendable, Hashable, CustomStringConvertible {
    /// The URL as the user gave it, for messages and the store.
    public let text: String
    public let isSecure: Bool
    public let host: String
    public let port: Int
    /// Without a trailing `/`; empty at the root.
    public let basePath: String

    public init(parsing text: String) throws(AgentURL.ParseError) {
        let invalid = AgentURL.ParseError(description: "\(AgentURL.quoted(text)) is not a control plane URL: use http://HOST:PORT or https://HOST:PORT")
        guard !TerminalText.hasUnsafeCharacters(text), !text.contains(where: \.isWhitespace),
              let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
              components.user == nil, components.query == nil, components.fragment == nil
        else { throw invalid }
        isSecure = scheme == "https"
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? (isSecure ? 443 : 80)
        guard (1...65535).contains(port) else { throw invalid }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
        self.text = text
    }

    public var description: String { text }
}
