extension StoreDocument {
    /// Saved forwards that would compete with `spec` for the same listening
    /// port: local and dynamic forwards on this machine on any server, and
    /// reverse forwards on the same server. Only one of them can be up at a time.
    public func listenConflicts(with spec: ForwardSpec, on serverName: String, excluding: ForwardReference? = nil) -> [ForwardReference] {
        servers.flatMap { server in
            server.forwards.compactMap { forward -> ForwardReference? in
                let reference = ForwardReference(server: server.name, forward: forward.name)
                guard reference != excluding, forward.spec.listen.port == spec.listen.port, spec.listen.port != 0 else { return nil }
                let bothHere = forward.kind != .reverse && spec.kind != .reverse
                let bothOnServer = forward.kind == .reverse && spec.kind == .reverse && server.name == serverName
                guard bothHere || bothOnServer else { return nil }
                return Self.addressesOverlap(forward.spec.listen.bindAddress, spec.listen.bindAddress) ? reference : nil
            }
        }
    }

    private static func addressesOverlap(_ a: String, _ b: String) -> Bool {
        let wildcards: Set<String> = ["0.0.0.0", "::"]
        return a == b || wildcards.contains(a) || wildcards.contains(b)
    }
}
