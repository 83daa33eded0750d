/// What an ssh config says about one host, limited to what Sluice keeps.
public struct SSHHostSettings: Sendable, Equatable {
    public var alias: String
    public var hostName: String?
    public var user: String?
    public var port: Int?
    public var identityFile: String?
    public var proxyJump: String?
    public var forwards: [ForwardSpec] = []
    /// Lines that were understood but cannot be imported, with the reason.
    public var problems: [String] = []

    /// Keywords already given a value, so the first one wins as in OpenSSH
    /// (a value of `none` counts too).
    private var decided: [String] = []

    init(alias: String) {
        self.alias = alias
    }

    /// Where ssh would connect: `[user@]host[:port]`.
    public var destination: Destination {
        Destination(user: user, host: hostName ?? alias, port: port)
    }

    mutating func apply(keyword: String, arguments: [String], at location: SSHConfigLocation) {
        switch keyword {
        case "hostname":
            if let value = firstValue(keyword, arguments) { hostName = expandTokens(value) }
        case "user":
            if let value = firstValue(keyword, arguments) { user = value }
        case "port":
            guard let text = firstValue(keyword, arguments) else { return }
            guard let value = Int(text), (1...65535).contains(value) else {
                problems.append("\(location): Port '\(TerminalText.echo(text))' is not a port number")
                return
            }
            port = value
        case "identityfile":
            if let value = firstValue(keyword, arguments) { identityFile = value }
        case "proxyjump":
            if let value = firstValue(keyword, arguments) { proxyJump = value.lowercased() == "none" ? nil : value }
        case "localforward", "remoteforward", "dynamicforward":
            addForward(keyword: keyword, arguments: arguments, at: location)
        default:
            return
        }
    }

    /// The value of a single-valued keyword, or nil if an earlier line
    /// already decided it.
    private mutating func firstValue(_ keyword: String, _ arguments: [String]) -> String? {
        // A list, not a set: a host decides a handful of keywords, and
        // hashing them cost more than looking through them (100,000 hosts).
        guard let value = arguments.first, !decided.contains(keyword) else { return nil }
        decided.append(keyword)
        return value
    }

    /// ssh_config writes `LocalForward 5432 localhost:5432` with the listen
    /// side and the target as two arguments; the flag joins them with ':'.
    private mutating func addForward(keyword: String, arguments: [String], at location: SSHConfigLocation) {
        let kind: ForwardKind = keyword == "localforward" ? .local : keyword == "remoteforward" ? .reverse : .dynamic
        // Only a problem quotes the line, and most lines have none: a
        // config of 100,000 forwards need not sanitise them all.
        func written() -> String {
            TerminalText.echo("\(keyword == "localforward" ? "LocalForward" : keyword == "remoteforward" ? "RemoteForward" : "DynamicForward") \(arguments.joined(separator: " "))")
        }
        if kind != .dynamic && arguments.count != 2 {
            let reason = kind == .reverse && arguments.count == 1
                ? "a RemoteForward without a target is a SOCKS proxy on the server, which Sluice does not run"
                : "expected a listen side and a target, e.g. 5432 localhost:5432"
            problems.append("\(location): \(written()): \(reason)")
            return
        }
        do {
            forwards.append(try ForwardSpec(parsing: arguments.joined(separator: ":"), kind: kind))
        } catch {
            problems.append("\(location): \(written()): \(error.problem)")
        }
    }

    /// `%h` is the host as typed and `%%` a percent sign; Sluice keeps other
    /// tokens as written.
    private func expandTokens(_ value: String) -> String {
        guard value.utf8.contains(UInt8(ascii: "%")) else { return value }
        var result = ""
        var iterator = value.makeIterator()
        while let character = iterator.next() {
            guard character == "%" else { result.append(character); continue }
            switch iterator.next() {
            case "h": result += alias
            case "%": result += "%"
            case let other?: result += "%" + String(other)
            case nil: result += "%"
            }
        }
        return result
    }
}
