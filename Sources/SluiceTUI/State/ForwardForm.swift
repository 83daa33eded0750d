import SluiceCore

/// The add/edit form of a forward: a kind picker, then only the fields that
/// kind needs, each checked as it is typed.
public struct ForwardForm: Sendable, Equatable {
    public enum Field: Sendable, Hashable {
        case kind, name, listenHost, listenPort, targetHost, targetPort
    }

    /// The server the forward belongs to.
    public var server: String
    /// Hosts for an SSH server; services for an agent's, which carries
    /// Local forwards only.
    public var targets: ForwardSpec.TargetRule = .hosts
    /// The forward being edited; nil when adding one.
    public var editing: ForwardReference?
    public var kind: ForwardKind
    public var name = TextField()
    public var listenHost = TextField(defaultHost)
    public var listenPort = TextField()
    public var targetHost = TextField(defaultHost)
    public var targetPort = TextField()
    public var focus: Field = .kind
    /// Set by the first Enter: from then on empty required fields are errors too.
    public var triedToSave = false
    /// What a test bind found about the local port: nil when it is free or
    /// not checked yet.
    public var portCheck: PortCheck?
    /// Why the store refused the forward, if it did.
    public var saveError: String?

    public struct PortCheck: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var problem: String?
    }

    static let defaultHost = "127.0.0.1"

    public init(server: String, targets: ForwardSpec.TargetRule = .hosts) {
        self.server = server
        self.targets = targets
        kind = .local
        if isForAgent { targetHost = TextField() }
    }

    public init(server: String, targets: ForwardSpec.TargetRule = .hosts, editing forward: Forward) {
        self.server = server
        self.targets = targets
        editing = ForwardReference(server: server, forward: forward.name)
        kind = forward.kind
        name = TextField(forward.name)
        listenHost = TextField(forward.spec.listen.host ?? Self.defaultHost)
        listenPort = TextField(String(forward.spec.listen.port))
        targetHost = TextField(forward.spec.target?.host ?? Self.defaultHost)
        targetPort = TextField(forward.spec.target.map { String($0.port) } ?? "")
        focus = .listenPort
    }

    /// The fields this kind needs, in the order Tab visits them.
    public var fields: [Field] {
        switch kind {
        case .local: return [.kind, .listenHost, .listenPort, .targetHost, .targetPort, .name]
        case .reverse: return [.kind, .listenPort, .listenHost, .targetHost, .targetPort, .name]
        case .dynamic: return [.kind, .listenHost, .listenPort, .name]
        }
    }

    /// The forward as typed, or nil while a field has a problem.
    public var forward: Forward? {
        guard fields.allSatisfy({ problem(in: $0, strict: true) == nil }), let port = Int(listenPort.trimmed) else { return nil }
        let listen = Endpoint(host: Self.bindHost(listenHost.trimmed), port: port)
        var target: Endpoint?
        if kind != .dynamic, let targetPortNumber = Int(targetPort.trimmed) {
            target = Endpoint(host: targetHost.trimmed, port: targetPortNumber)
        }
        let spec = ForwardSpec(kind: kind, listen: listen, target: target)
        guard spec.problem(targets: targets) == nil else { return nil }
        return Forward(name: name.trimmed, spec: spec)
    }

    /// The listen address to test-bind, when it is on this machine and typed in full.
    public var localListen: (host: String, port: Int)? {
        guard kind != .reverse, problem(in: .listenPort, strict: true) == nil, problem(in: .listenHost, strict: true) == nil,
              let port = Int(listenPort.trimmed) else { return nil }
        return (Endpoint(host: Self.bindHost(listenHost.trimmed), port: port).bindAddress, port)
    }

    /// Why `field` cannot be saved as it is. `strict` also reports empty
    /// required fields, which are not worth a red line while still untouched.
    public func problem(in field: Field, strict: Bool) -> String? {
        switch field {
        case .kind:
            return nil
        case .name:
            guard !name.trimmed.isEmpty else { return nil }
            return NameRule.problem(with: name.trimmed).map { "This name cannot be used: \($0)" }
        case .listenHost:
            return Self.hostProblem(listenHost.trimmed, required: false)
        case .targetHost:
            if case .services(let project) = targets {
                if targetHost.trimmed.isEmpty { return strict ? "Enter the service, e.g. \(project ?? "my-app")/db" : nil }
                return ForwardSpec.serviceProblem(targetHost.trimmed, project: project)
            }
            return Self.hostProblem(targetHost.trimmed, required: strict)
        case .listenPort:
            return Self.portProblem(listenPort.trimmed, zeroAllowed: kind == .reverse, required: strict)
        case .targetPort:
            return Self.portProblem(targetPort.trimmed, zeroAllowed: false, required: strict)
        }
    }

    public func label(of field: Field) -> String {
        switch (field, kind) {
        case (.kind, _): return "Kind"
        case (.name, _): return "Name"
        case (.listenPort, .reverse): return "Port on the server"
        case (.listenPort, _): return "Local port"
        case (.listenHost, .reverse): return "Server bind address"
        case (.listenHost, _): return "Local address"
        case (.targetHost, _): return isForAgent ? "Service" : "Destination host"
        case (.targetPort, _): return "Destination port"
        }
    }

    public func hint(of field: Field) -> String? {
        if isForAgent {
            switch field {
            case .kind: return "an agent carries Local forwards: a port here reaches a service"
            case .targetHost:
                guard case .services(let project) = targets else { return nil }
                return project.map { "SERVICE or \($0)/SERVICE" } ?? "PROJECT/SERVICE"
            default: break
            }
        }
        switch (field, kind) {
        case (.kind, .local): return "a port here reaches a host:port from the server"
        case (.kind, .reverse): return "a port on the server reaches a host:port from here"
        case (.kind, .dynamic): return "a SOCKS5 proxy here; connections leave from the server"
        case (.name, _): return name.trimmed.isEmpty ? "blank: \(kind.letter)\(listenPort.trimmed.isEmpty ? "PORT" : listenPort.trimmed)" : nil
        case (.listenPort, .reverse): return "0: the server picks one"
        case (.listenHost, .reverse): return listenIsLoopback ? "only the server itself can connect" : nil
        case (.listenHost, _): return listenIsLoopback ? "only this machine can connect" : nil
        case (.targetHost, .local): return "as the server sees it"
        case (.targetHost, .reverse): return "as this machine sees it"
        default: return nil
        }
    }

    private var listenIsLoopback: Bool {
        Endpoint(host: Self.bindHost(listenHost.trimmed), port: 1).isLoopback
    }

    var isForAgent: Bool { targets != .hosts }

    public mutating func cycleKind(by step: Int) {
        guard !isForAgent else { return }
        let kinds = ForwardKind.allCases
        let index = kinds.firstIndex(of: kind) ?? 0
        kind = kinds[(index + step + kinds.count) % kinds.count]
    }

    /// The listening side's default is written as no address in the store,
    /// so the spec reads as OpenSSH's would (`-L 5432:...`).
    static func bindHost(_ typed: String) -> String? {
        typed.isEmpty || typed == defaultHost ? nil : typed
    }

    static func portProblem(_ text: String, zeroAllowed: Bool, required: Bool) -> String? {
        if text.isEmpty { return required ? "Enter a port number" : nil }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(text) else { return "'\(text)' is not a port number" }
        let lowest = zeroAllowed ? 0 : 1
        guard port >= lowest, port <= 65535 else { return "Use a port from \(lowest) to 65535" }
        return nil
    }

    static func hostProblem(_ text: String, required: Bool) -> String? {
        if text.isEmpty { return required ? "Enter a host name or address" : nil }
        if text.contains(where: { $0.isWhitespace }) { return "A host cannot contain a space" }
        return nil
    }
}

extension ForwardForm {
    mutating func edit(_ field: Field, with key: Key) -> Bool {
        switch field {
        case .kind: return false
        case .name: return name.edit(with: key)
        case .listenHost: return listenHost.edit(with: key)
        case .listenPort: return listenPort.edit(with: key)
        case .targetHost: return targetHost.edit(with: key)
        case .targetPort: return targetPort.edit(with: key)
        }
    }
}
