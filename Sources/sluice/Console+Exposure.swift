import SluiceCore

extension Console {
    /// A warning for each switched-on forward that listens beyond this
    /// machine ("reachable from your network"), as it is brought up. One
    /// whose address this machine lacks gets none: it is not reachable at
    /// all, and the engine says why when its listener fails.
    static func warnAboutExposure(_ servers: [Server]) {
        for server in servers {
            for forward in server.forwards where forward.enabled && !LocalAddress.isAbsent(listening: forward.spec) {
                if let warning = forward.spec.exposureWarning { warn("\(server.name)/\(forward.name) \(warning).") }
            }
        }
    }

    /// What add and edit say after saving a forward, as warnings: a listen
    /// address this machine does not have, else one reachable from the
    /// network, and other saved forwards that want the same port.
    static func warnAboutSaved(_ spec: ForwardSpec, as reference: ForwardReference, conflicts: [ForwardReference]) {
        if LocalAddress.isAbsent(listening: spec) {
            let address = Endpoint.bracketed(spec.listen.bindAddress)
            warn("\(reference) cannot listen on \(spec.listen.displayAddress): this machine has no address \(address). "
                + "Saved anyway, for when it has (a VPN that brings \(address), say); until then it fails to come up.")
        } else if let warning = spec.exposureWarning {
            warn("\(reference) \(warning).")
        }
        if !conflicts.isEmpty {
            let names = conflicts.map(\.description).joined(separator: ", ")
            warn("\(names) also listen\(conflicts.count == 1 ? "s" : "") on port \(spec.listen.port); only one of them can be up at a time.")
        }
    }
}
