import SluiceCore

extension Console {
    /// A warning for each switched-on forward that listens beyond this
    /// machine ("reachable from your network"), as it is brought up.
    static func warnAboutExposure(_ servers: [Server]) {
        for server in servers {
            for forward in server.forwards where forward.enabled {
                if let warning = forward.spec.exposureWarning { warn("\(server.name)/\(forward.name) \(warning).") }
            }
        }
    }
}
