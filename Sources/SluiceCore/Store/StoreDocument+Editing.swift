/// The changes users make to their saved servers and forwards. Each checks
/// its input and either changes the document whole or throws and leaves it
/// as it was.
extension StoreDocument {
    public mutating func addServer(_ server: Server) throws(SluiceError) {
        try server.validate()
        guard !servers.contains(where: { $0.name == server.name }) else { throw .duplicateServer(server.name) }
        servers.append(server)
    }

    @discardableResult
    public mutating func removeServer(named name: String) throws(SluiceError) -> Server {
        let index = try serverIndex(name)
        return servers.remove(at: index)
    }

    @discardableResult
    public mutating func addForward(_ spec: ForwardSpec, to serverName: String, name: String? = nil, enabled: Bool = true) throws(SluiceError) -> Forward {
        let index = try serverIndex(serverName)
        let forward = Forward(name: name ?? servers[index].unusedName(for: spec), spec: spec, enabled: enabled)
        try servers[index].addForward(forward)
        return forward
    }

    @discardableResult
    public mutating func removeForward(_ reference: ForwardReference) throws(SluiceError) -> Forward {
        let (server, forward) = try forwardIndex(reference)
        return servers[server].forwards.remove(at: forward)
    }

    /// Gives a server a new name or connection settings; its forwards
    /// stay, and must still suit it (an SSH server's -R cannot move to an
    /// agent).
    public mutating func editServer(named name: String, to edited: Server) throws(SluiceError) {
        let index = try serverIndex(name)
        try edited.validate()
        if edited.name != name, servers.contains(where: { $0.name == edited.name }) { throw .duplicateServer(edited.name) }
        var replaced = edited
        replaced.forwards = servers[index].forwards
        for forward in replaced.forwards {
            do throws(SluiceError) {
                try replaced.validate(forward)
            } catch {
                let was = servers[index].address.isAgent
                let how = replaced.address.isAgent == was ? "moved" : replaced.address.isAgent ? "an agent server" : "an SSH server"
                throw .wrongTransport("\(TerminalText.echo(replaced.name)) would become \(how == "moved" ? "\(replaced.address)" : how), and its forward \(TerminalText.echo(forward.name)) cannot go with it: \(error); remove or edit that forward first")
            }
        }
        servers[index] = replaced
    }

    /// Gives a forward a new name or spec, in the same place in the list;
    /// whether it is switched on stays as it was.
    public mutating func editForward(_ reference: ForwardReference, to edited: Forward) throws(SluiceError) {
        let (server, index) = try forwardIndex(reference)
        var replaced = servers[server]
        let enabled = replaced.forwards.remove(at: index).enabled
        var forward = edited
        forward.enabled = enabled
        try replaced.addForward(forward)
        replaced.forwards.insert(replaced.forwards.removeLast(), at: index)
        servers[server] = replaced
    }

    /// Returns whether anything changed.
    @discardableResult
    public mutating func setEnabled(_ enabled: Bool, for reference: ForwardReference) throws(SluiceError) -> Bool {
        let (server, forward) = try forwardIndex(reference)
        guard servers[server].forwards[forward].enabled != enabled else { return false }
        servers[server].forwards[forward].enabled = enabled
        return true
    }

    private func serverIndex(_ name: String) throws(SluiceError) -> Int {
        guard let index = servers.firstIndex(where: { $0.name == name }) else {
            throw .unknownServer(name, known: servers.map(\.name))
        }
        return index
    }

    private func forwardIndex(_ reference: ForwardReference) throws(SluiceError) -> (Int, Int) {
        let server = try serverIndex(reference.server)
        guard let forward = servers[server].forwards.firstIndex(where: { $0.name == reference.forward }) else {
            throw .unknownForward(server: reference.server, forward: reference.forward, known: servers[server].forwards.map(\.name))
        }
        return (server, forward)
    }
}
