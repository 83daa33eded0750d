import SluiceCore

/// The add/edit form of a server: how to reach it and log in. The last two
/// fields follow the destination typed: identity file and jump host for
/// SSH, token file and CA file for an agent (`ws://`, `wss://`, or
/// `PROJECT via http://CONTROL-PLANE`).
public struct ServerForm: Sendable, Equatable {
    public enum Field: Sendable, Hashable, CaseIterable {
        case name, destination, identityFile, jumpHost
    }

    /// The server being edited (its name before the edit); nil when adding.
    public var editing: String?
    public var name = TextField()
    public var destination = TextField()
    public var identityFile = TextField()
    public var jumpHost = TextField()
    public var focus: Field = .name
    public var triedToSave = false
    public var saveError: String?

    public init() {}

    public init(editing server: Server) {
        editing = server.name
        name = TextField(server.name)
        destination = TextField(server.address.description)
        identityFile = TextField((server.address.isAgent ? server.tokenFile : server.identityFile) ?? "")
        jumpHost = TextField((server.address.isAgent ? server.caFile : server.jumpHost) ?? "")
        focus = .destination
    }

    public var title: String { editing.map { "Edit server \($0)" } ?? "New server" }

    /// The server as typed (without forwards), or nil while a field has a problem.
    public var server: Server? {
        guard Field.allCases.allSatisfy({ problem(in: $0, strict: true) == nil }),
              let parsed = try? ServerAddress(parsing: destination.trimmed) else { return nil }
        let firstPath = identityFile.trimmed.isEmpty ? nil : identityFile.trimmed
        if parsed.isAgent {
            return Server(name: name.trimmed, address: parsed, tokenFile: firstPath, caFile: jumpHost.trimmed.isEmpty ? nil : jumpHost.trimmed)
        }
        // Saved as it parses back; `none` is no jump host.
        let chain: JumpChain? = jumpHost.trimmed.isEmpty ? nil : try? JumpChain(parsing: jumpHost.trimmed)
        return Server(name: name.trimmed, address: parsed, identityFile: firstPath, jumpHost: chain?.description)
    }

    /// Whether the destination typed is an agent's, which decides what the
    /// last two fields are.
    var isAgent: Bool {
        (try? ServerAddress(parsing: destination.trimmed))?.isAgent ?? AgentURL.isURL(destination.trimmed)
    }

    public func problem(in field: Field, strict: Bool) -> String? {
        switch field {
        case .name:
            if name.trimmed.isEmpty { return strict ? "Enter a name, e.g. db or staging" : nil }
            return NameRule.problem(with: name.trimmed).map { "This name cannot be used: \($0)" }
        case .destination:
            if destination.trimmed.isEmpty { return strict ? "Enter user@host, host:port, an ssh config alias or ws://agent:9090" : nil }
            do {
                _ = try ServerAddress(parsing: destination.trimmed)
                return nil
            } catch {
                return error.description
            }
        case .identityFile:
            if identityFile.trimmed.isEmpty { return nil }
            return Server.identityFileProblem(identityFile.trimmed).map { "This path cannot be used: it \($0)" }
        case .jumpHost:
            if jumpHost.trimmed.isEmpty { return nil }
            if isAgent { return Server.identityFileProblem(jumpHost.trimmed).map { "This path cannot be used: it \($0)" } }
            do {
                _ = try JumpChain(parsing: jumpHost.trimmed)
                return nil
            } catch {
                return error.description
            }
        }
    }

    public func rows(document: StoreDocument) -> [FormRow] {
        Field.allCases.map { field in
            FormRow(label: label(of: field), value: .text(text(of: field)), hint: hint(of: field),
                    error: problem(in: field, strict: triedToSave) ?? (field == .name ? takenName(in: document) : nil),
                    warning: nil, isFocused: field == focus)
        }
    }

    /// Why the typed name cannot be saved though it is a valid name:
    /// another server has it. Checked as it is typed.
    public func takenName(in document: StoreDocument) -> String? {
        let typed = name.trimmed
        guard !typed.isEmpty, typed != editing, document.servers.contains(where: { $0.name == typed }) else { return nil }
        return "A server named \(typed) exists already; choose another name"
    }

    func label(of field: Field) -> String {
        switch field {
        case .name: return "Name"
        case .destination: return "Destination"
        case .identityFile: return isAgent ? "Token file" : "Identity file"
        case .jumpHost: return isAgent ? "CA file" : "Jump host"
        }
    }

    func hint(of field: Field) -> String? {
        switch field {
        case .name: return "what you call it"
        case .destination: return "user@host, ssh alias, ws://host:port"
        case .identityFile:
            guard identityFile.text.isEmpty else { return nil }
            return isAgent ? "blank: no token" : "blank: agent and ~/.ssh keys"
        case .jumpHost:
            guard jumpHost.text.isEmpty else { return nil }
            return isAgent ? "blank: the system's CAs" : "blank: connect directly"
        }
    }

    func text(of field: Field) -> TextField {
        switch field {
        case .name: return name
        case .destination: return destination
        case .identityFile: return identityFile
        case .jumpHost: return jumpHost
        }
    }

    mutating func edit(_ field: Field, with key: Key) -> Bool {
        switch field {
        case .name: return name.edit(with: key)
        case .destination:
            let wasAgent = isAgent
            let edited = destination.edit(with: key)
            // The last two fields mean other things for the other
            // transport: a key path is no token file, a jump host no CA.
            if isAgent != wasAgent {
                identityFile = TextField()
                jumpHost = TextField()
            }
            return edited
        case .identityFile: return identityFile.edit(with: key)
        case .jumpHost: return jumpHost.edit(with: key)
        }
    }
}
