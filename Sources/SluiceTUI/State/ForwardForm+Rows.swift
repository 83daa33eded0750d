import SluiceCore

extension ForwardForm {
    public var title: String {
        editing.map { "Edit forward \($0)" } ?? "New forward on \(server)"
    }

    /// The form's fields with their problems and warnings, for the view.
    public func rows(document: StoreDocument) -> [FormRow] {
        fields.map { field in
            FormRow(label: label(of: field), value: value(of: field), hint: hint(of: field),
                    error: problem(in: field, strict: triedToSave) ?? (field == .name ? takenName(in: document) : nil),
                    warning: warning(for: field, document: document), isFocused: field == focus)
        }
    }

    /// Why the typed name cannot be saved though it is a valid name:
    /// another forward of the server has it. Checked as it is typed.
    public func takenName(in document: StoreDocument) -> String? {
        let typed = name.trimmed
        guard !typed.isEmpty, typed != editing?.forward,
              document.servers.first(where: { $0.name == server })?.forward(named: typed) != nil else { return nil }
        return "\(server) has a forward named \(typed) already; choose another name"
    }

    private func value(of field: Field) -> FormRow.Value {
        switch field {
        case .kind: return .choice(["Local", "Reverse", "Dynamic"], selected: ForwardKind.allCases.firstIndex(of: kind) ?? 0)
        case .name: return .text(name)
        case .listenHost: return .text(listenHost)
        case .listenPort: return .text(listenPort)
        case .targetHost: return .text(targetHost)
        case .targetPort: return .text(targetPort)
        }
    }

    private func warning(for field: Field, document: StoreDocument) -> String? {
        switch field {
        case .listenHost:
            guard problem(in: .listenHost, strict: false) == nil else { return nil }
            let listen = Endpoint(host: Self.bindHost(listenHost.trimmed), port: 1)
            guard !listen.isLoopback else { return nil }
            return kind == .reverse
                ? "The server's GatewayPorts setting decides who can reach it"
                : "Reachable from your network, not only this machine"
        case .listenPort:
            guard problem(in: .listenPort, strict: true) == nil, let port = Int(listenPort.trimmed) else { return nil }
            let spec = ForwardSpec(kind: kind, listen: Endpoint(host: Self.bindHost(listenHost.trimmed), port: port), target: nil)
            let others = document.listenConflicts(with: spec, on: server, excluding: editing)
            if !others.isEmpty {
                return "Also used by \(others.map(\.description).joined(separator: ", ")); only one can be up at a time"
            }
            if let check = portCheck, let local = localListen, check.host == local.host, check.port == local.port, let problem = check.problem {
                return problem
            }
            return nil
        default:
            return nil
        }
    }
}
