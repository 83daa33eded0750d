import SluiceCore

/// The readable table of `sluice list`: a line per server, then its forwards
/// with aligned columns (switch, name, spec, where it goes).
enum ListFormatter {
    /// `viaSSHConfig` holds, for each server in order, where the ssh config
    /// sends it (or nil); `lacksAddress` tells a forward that listens on an
    /// address this machine does not have.
    static func text(for document: StoreDocument, viaSSHConfig: [String?] = [], lacksAddress: (ForwardSpec) -> Bool = { _ in false }) -> String {
        let rows = document.servers.flatMap { server in
            server.forwards.map { [$0.enabled ? "on" : "off", $0.name, $0.spec.description, $0.spec.route] }
        }
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines: [String] = []
        for (index, server) in document.servers.enumerated() {
            let details = Self.details(of: server)
            let resolved = index < viaSSHConfig.count ? viaSSHConfig[index].map { " (ssh config: \($0))" } ?? "" : ""
            lines.append("\(server.name)  \(server.address)\(resolved)" + (details.isEmpty ? "" : "  (\(details))"))
            if server.forwards.isEmpty {
                let example = server.address.isAgent ? "-L PORT:\(server.address.project ?? "PROJECT")/SERVICE:PORT" : "-L PORT"
                lines.append("  no forwards yet; add one with: sluice add \(server.name) \(example)")
            }
            for forward in server.forwards {
                let cells = [forward.enabled ? "on" : "off", forward.name, forward.spec.description]
                let padded = zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }
                var line = "  " + padded.joined(separator: "  ") + "  " + forward.spec.route
                if lacksAddress(forward.spec) {
                    line += "  ! not an address of this machine"
                } else if !forward.spec.listen.isLoopback {
                    line += "  ! reachable from your network"
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// How a server is reached, in one line: `deploy@db:2222 (key ~/.ssh/id_db, via bastion)`.
    static func summary(of server: Server) -> String {
        let details = details(of: server)
        return "\(server.address)" + (details.isEmpty ? "" : " (\(details))")
    }

    /// Its key file and jump host, e.g. `key ~/.ssh/id_db, via bastion`;
    /// empty when it has neither. An agent server's transport is named,
    /// with its token and CA files.
    private static func details(of server: Server) -> String {
        var details: [String] = []
        switch server.address {
        case .ssh: break
        case .agent: details.append("agent over WebSocket")
        case .project: details.append("agent over WebSocket, found through the control plane")
        }
        if let token = server.tokenFile { details.append("token \(token)") }
        if let ca = server.caFile { details.append("CA \(ca)") }
        if let identity = server.identityFile { details.append("key \(identity)") }
        if let jump = server.jumpHost { details.append("via \(jump)") }
        return details.joined(separator: ", ")
    }
}
