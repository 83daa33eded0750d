/// The two documents Sluice reads from a control plane
/// (docs/agent-protocol.md, "The control plane"); every field optional so
/// a missing one is told by name rather than as a decoding error.
enum ControlPlaneDocuments {
    struct Project: Decodable {
        struct Status: Decodable {
            var phase: String?
            var nodeRef: String?
        }

        var name: String?
        var status: Status?
    }

    struct Node: Decodable {
        struct Status: Decodable {
            struct Network: Decodable {
                var ip: String?
                var agentPort: Int?
            }

            var network: Network?
        }

        var name: String?
        var status: Status?
    }
}
