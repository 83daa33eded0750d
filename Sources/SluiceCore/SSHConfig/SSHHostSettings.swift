/// What an ssh config says about one host: what Sluice imports, and what
/// its engine applies when it connects (Sluice reads the config itself and
/// hands libssh only explicit values, so `~` and `%` tokens follow `$HOME`
/// and no proxy is started behind its back).
public struct SSHHostSettings: Sendable, Equatable {
    /// How to reach the host through something else: `ProxyJump` or
    /// `ProxyCommand`, whichever the config names first (as in OpenSSH,
    /// where they exclude each other). `ProxyJump none` decides on neither.
    public enum Proxy: Sendable, Equatable {
        case jump(String)
        /// The command as written (tokens not yet expanded), and where.
        case command(String, SSHConfigLocation)
    }

    public var alias: String
    public var hostName: String?
    public var user: String?
    public var port: Int?
    /// Every `IdentityFile`, in order, as written (`~` and tokens unexpanded).
    public var identityFiles: [String] = []
    public var proxy: Proxy?
    public var strictHostKeyChecking: String?
    /// The files of the first `UserKnownHostsFile` line, as written.
    public var userKnownHostsFiles: [String] = []
    public var identityAgent: String?
    public var identitiesOnly: Bool?
    public var ciphers: String?
    public var macs: String?
    public var kexAlgorithms: String?
    public var hostKeyAlgorithms: String?
    public var pubkeyAcceptedAlgorithms: String?
    public var compression: Bool?
    public var connectTimeout: Int?
    public var bindAddress: String?
    public var passwordAuthentication: Bool?
    public var kbdInteractiveAuthentication: Bool?
    public var pubkeyAuthentication: Bool?
    public var forwards: [ForwardSpec] = []
    /// Lines that were understood but cannot be used, with the reason.
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

    /// The first `IdentityFile`, which import keeps.
    public var identityFile: String? { identityFiles.first }

    public var proxyJump: String? {
        if case .jump(let chain) = proxy { return chain }
        return nil
    }

    mutating func apply(keyword: String, arguments: [String], raw: String, at location: SSHConfigLocation) {
        switch keyword {
        case "hostname":
            if let value = firstValue(keyword, arguments) { hostName = expandHostToken(value) }
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
            if let value = arguments.first { identityFiles.append(value) }
        case "proxyjump":
            // "proxy" is one decision for both keywords.
            if let value = firstValue("proxy", arguments) { proxy = value.lowercased() == "none" ? nil : .jump(value) }
        case "proxycommand":
            if firstValue("proxy", arguments) != nil { proxy = raw.lowercased() == "none" ? nil : .command(raw, location) }
        case "stricthostkeychecking":
            if let value = firstValue(keyword, arguments) { strictHostKeyChecking = value.lowercased() }
        case "userknownhostsfile":
            if firstValue(keyword, arguments) != nil { userKnownHostsFiles = arguments }
        case "identityagent":
            if let value = firstValue(keyword, arguments) { identityAgent = value }
        case "identitiesonly":
            if let value = firstValue(keyword, arguments) { identitiesOnly = Self.flag(value) }
        case "ciphers":
            if let value = firstValue(keyword, arguments) { ciphers = value }
        case "macs":
            if let value = firstValue(keyword, arguments) { macs = value }
        case "kexalgorithms":
            if let value = firstValue(keyword, arguments) { kexAlgorithms = value }
        case "hostkeyalgorithms":
            if let value = firstValue(keyword, arguments) { hostKeyAlgorithms = value }
        case "pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes":
            if let value = firstValue("pubkeyacceptedalgorithms", arguments) { pubkeyAcceptedAlgorithms = value }
        case "compression":
            if let value = firstValue(keyword, arguments) { compression = Self.flag(value) }
        case "connecttimeout":
            if let value = firstValue(keyword, arguments) { connectTimeout = Int(value).flatMap { (1...3600).contains($0) ? $0 : nil } }
        case "bindaddress":
            if let value = firstValue(keyword, arguments) { bindAddress = value }
        case "passwordauthentication":
            if let value = firstValue(keyword, arguments) { passwordAuthentication = Self.flag(value) }
        case "kbdinteractiveauthentication", "challengeresponseauthentication":
            if let value = firstValue("kbdinteractiveauthentication", arguments) { kbdInteractiveAuthentication = Self.flag(value) }
        case "pubkeyauthentication":
            if let value = firstValue(keyword, arguments) { pubkeyAuthentication = Self.flag(value) }
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

    /// yes/true/no/false as ssh_config writes them; anything else is no.
    private static func flag(_ value: String) -> Bool {
        ["yes", "true"].contains(value.lowercased())
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

    /// In HostName, `%h` is the host as typed and `%%` a percent sign;
    /// Sluice keeps other tokens as written.
    private func expandHostToken(_ value: String) -> String {
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
