/// A saved server and its forwards, in the order the user added them.
public struct Server: Sendable, Hashable {
    /// The unique handle users type (`sluice up db`).
    public var name: String
    /// `[user@]host[:port]` or an alias from the user's ssh config.
    public var destination: Destination
    /// A private key file; `~` is the user's home.
    public var identityFile: String?
    /// A server to jump through, as OpenSSH's `-J` takes it.
    public var jumpHost: String?
    public var forwards: [Forward]

    public init(name: String, destination: Destination, identityFile: String? = nil, jumpHost: String? = nil, forwards: [Forward] = []) {
        self.name = name
        self.destination = destination
        self.identityFile = identityFile
        self.jumpHost = jumpHost
        self.forwards = forwards
    }

    public func forward(named name: String) -> Forward? {
        forwards.first { $0.name == name }
    }

    /// A name for a new forward with this spec that no forward here has yet.
    public func unusedName(for spec: ForwardSpec) -> String {
        let base = spec.defaultName
        if forward(named: base) == nil { return base }
        var suffix = 2
        while forward(named: "\(base)-\(suffix)") != nil { suffix += 1 }
        return "\(base)-\(suffix)"
    }
}

extension Server {
    /// Adds a forward after checking its name and spec (`validate(_:)`)
    /// and that no forward here has its name.
    public mutating func addForward(_ forward: Forward) throws(SluiceError) {
        try Self.validate(forward)
        guard self.forward(named: forward.name) == nil else {
            throw .duplicateForward(server: name, forward: forward.name)
        }
        forwards.append(forward)
    }
}
