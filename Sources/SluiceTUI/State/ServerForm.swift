import SluiceCore

/// The add/edit form of a server: how to reach it and log in.
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
        destination = TextField(server.destination.description)
        identityFile = TextField(server.identityFile ?? "")
        jumpHost = TextField(server.jumpHost ?? "")
        focus = .destination
    }

    public var title: String { editing.map { "Edit server \($0)" } ?? "New server" }

    /// The server as typed (without forwards), or nil while a field has a problem.
    public var server: Server? {
        guard Field.allCases.allSatisfy({ problem(in: $0, strict: true) == nil }),
              let parsed = try? Destination(parsing: destination.trimmed) else { return nil }
        // Saved as it parses back; `none` is no jump host.
        let chain: JumpChain? = jumpHost.trimmed.isEmpty ? nil : try? JumpChain(parsing: jumpHost.trimmed)
        return Server(name: name.trimmed, destination: parsed,
                      identityFile: identityFile.trimmed.isEmpty ? nil : identityFile.trimmed,
                      jumpHost: chain?.description)
    }

    public func problem(in field: Field, strict: Bool) -> String? {
        switch field {
        case .name:
            if name.trimmed.isEmpty { return strict ? "Enter a name, e.g. db or staging" : nil }
            return NameRule.problem(with: name.trimmed).map { "This name cannot be used: \($0)" }
        case .destination:
            if destination.trimmed.isEmpty { return strict ? "Enter user@host, host:port or an ssh config alias" : nil }
            do {
                _ = try Destination(parsing: destination.trimmed)
                return nil
            } catch {
                return error.description
            }
        case .identityFile:
            if identityFile.trimmed.isEmpty { return nil }
            return Server.identityFileProblem(identityFile.trimmed).map { "This path cannot be used: it \($0)" }
        case .jumpHost:
            if jumpHost.trimmed.isEmpty { return nil }
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
        case .identityFile: return "Identity file"
        case .jumpHost: return "Jump host"
        }
    }

    func hint(of field: Field) -> String? {
        switch field {
        case .name: return "what you call it"
        case .destination: return "user@host[:port] or ssh config alias"
        case .identityFile: return identityFile.text.isEmpty ? "blank: agent and ~/.ssh keys" : nil
        case .jumpHost: return jumpHost.text.isEmpty ? "blank: connect directly" : nil
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
        case .destination: return destination.edit(with: key)
        case .identityFile: return identityFile.edit(with: key)
        case .jumpHost: return jumpHost.edit(with: key)
        }
    }
}
