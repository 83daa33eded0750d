/// One edit of the saved servers and forwards, as a value: the screen
/// decides on it, shows it at once, and then has it saved.
public enum StoreChange: Sendable, Equatable {
    case addServer(Server)
    /// New connection settings or name for a server; its forwards stay.
    case editServer(name: String, to: Server)
    case removeServer(name: String)
    case addForward(server: String, Forward)
    /// New settings or name for a forward; its switch stays as it is.
    case editForward(ForwardReference, to: Forward)
    case removeForward(ForwardReference)
    case setEnabled(ForwardReference, Bool)
    /// Every forward of a server on or off at once.
    case setAllEnabled(server: String, Bool)

    public func apply(to document: inout StoreDocument) throws(SluiceError) {
        switch self {
        case .addServer(let server):
            try document.addServer(server)
        case let .editServer(name, server):
            try document.editServer(named: name, to: server)
        case .removeServer(let name):
            try document.removeServer(named: name)
        case let .addForward(server, forward):
            try document.addForward(forward.spec, to: server, name: forward.name, enabled: forward.enabled)
        case let .editForward(reference, forward):
            try document.editForward(reference, to: forward)
        case .removeForward(let reference):
            try document.removeForward(reference)
        case let .setEnabled(reference, enabled):
            try document.setEnabled(enabled, for: reference)
        case let .setAllEnabled(server, enabled):
            for forward in try document.server(named: server).forwards {
                try document.setEnabled(enabled, for: ForwardReference(server: server, forward: forward.name))
            }
        }
    }

    /// The server the change is about (after a rename, its new name): the
    /// screen files the change's event under it.
    public var server: String {
        switch self {
        case .addServer(let server), .editServer(_, let server): return server.name
        case .removeServer(let name), .addForward(let name, _), .setAllEnabled(let name, _): return name
        case .editForward(let reference, _), .removeForward(let reference), .setEnabled(let reference, _): return reference.server
        }
    }
}
