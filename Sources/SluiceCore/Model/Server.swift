/// A saved server and its forwards, in the order the user added them.
public struct Server: Sendable, Hashable {
    /// The unique handle users type (`sluice up db`).
    public var name: String
    /// How it is reached: SSH, or a node agent over WebSocket.
    public var address: ServerAddress
    /// A private key file; `~` is the user's home. SSH only.
    public var identityFile: String?
    /// A server to jump through, as OpenSSH's `-J` takes it. SSH only.
    public var jumpHost: String?
    /// A file holding the bearer token for the agent and the control
    /// plane (the token itself is never stored). Agents only.
    public var tokenFile: String?
    /// Certificates (PEM) to trust for `wss://` and `https://` beside the
    /// system's. Agents only.
    public var caFile: String?
    public var forwards: [Forward]

    public init(name: String, address: ServerAddress, identityFile: String? = nil, jumpHost: String? = nil,
                tokenFile: String? = nil, caFile: String? = nil, forwards: [Forward] = []) {
        self.name = name
        self.address = address
        self.identityFile = identityFile
        self.jumpHost = jumpHost
        self.tokenFile = tokenFile
        self.caFile = caFile
        self.forwards = forwards
    }

    /// An SSH server.
    public init(name: String, destination: Destination, identityFile: String? = nil, jumpHost: String? = nil, forwards: [Forward] = []) {
        self.init(name: name, address: .ssh(destination), identityFile: identityFile, jumpHost: jumpHost, forwards: forwards)
    }

    /// The SSH destination; nil for an agent server.
    public var destination: Destination? { address.destination }

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
        try validate(forward)
        guard self.forward(named: forward.name) == nil else {
            throw .duplicateForward(server: name, forward: forward.name)
        }
        forwards.append(forward)
    }
}
