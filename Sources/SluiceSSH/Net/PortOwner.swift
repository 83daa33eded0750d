import Foundation
import SluiceCore

/// Finds which process listens on a TCP port, from /proc, so "port in use"
/// can say by whom. Finds only processes the user may look into.
enum PortOwner {
    static func describe(port: Int) -> String? {
        let inodes = listeningInodes(port: port)
        guard !inodes.isEmpty else { return nil }
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in processes where Int32(entry) != nil {
            let fdFolder = "/proc/\(entry)/fd"
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: fdFolder) else { continue }
            for fd in fds {
                guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdFolder)/\(fd)"),
                      link.hasPrefix("socket:["), inodes.contains(String(link.dropFirst(8).dropLast()))
                else { continue }
                let name = (try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
                return "\(name), pid \(entry)"
            }
        }
        return nil
    }

    /// Socket inodes in LISTEN state (0A) on `port`, IPv4 and IPv6.
    private static func listeningInodes(port: Int) -> Set<String> {
        var inodes: Set<String> = []
        let hexPort = String(format: "%04X", port)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // TextFile reads /proc files to their end; Foundation's
            // String(contentsOfFile:) stopped short on a busy machine.
            guard let text = (try? TextFile.readText(table)) ?? nil else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] == "0A", fields[1].hasSuffix(":" + hexPort) else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        return inodes
    }
}
