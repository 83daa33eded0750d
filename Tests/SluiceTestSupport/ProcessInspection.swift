import Foundation

/// What another process holds and has used, read from /proc: its open
/// descriptors with their flags, and its CPU time.
public enum ProcessInspection {
    public struct Descriptor: Sendable, CustomStringConvertible {
        public var fd: Int32
        /// Where /proc/PID/fd/N points: a path, "socket:[inode]", "pipe:[inode]".
        public var target: String
        /// The open flags from /proc/PID/fdinfo/N, with O_CLOEXEC for close-on-exec.
        public var flags: Int32

        public var isCloseOnExec: Bool { flags & O_CLOEXEC != 0 }
        public var isNonBlocking: Bool { flags & O_NONBLOCK != 0 }
        public var isSocket: Bool { target.hasPrefix("socket:[") }
        public var isPipe: Bool { target.hasPrefix("pipe:[") }
        /// The inode of a socket or pipe, as /proc/net/tcp names it.
        public var inode: String? {
            guard let open = target.firstIndex(of: "["), target.hasSuffix("]") else { return nil }
            return String(target[target.index(after: open)..<target.index(before: target.endIndex)])
        }

        public var description: String { "\(fd) -> \(target) flags 0\(String(flags, radix: 8))" }
    }

    /// The descriptors `pid` holds now; one closed while being read is left out.
    public static func descriptors(of pid: pid_t) -> [Descriptor] {
        let folder = "/proc/\(pid)/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return entries.compactMap { entry -> Descriptor? in
            guard let fd = Int32(entry),
                  let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\(entry)"),
                  let info = try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(entry)", encoding: .utf8),
                  let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags:") }),
                  let flags = Int32(line.dropFirst("flags:".count).trimmingCharacters(in: .whitespaces), radix: 8)
            else { return nil }
            return Descriptor(fd: fd, target: target, flags: flags)
        }.sorted { $0.fd < $1.fd }
    }

    /// Inodes of this machine's TCP sockets connected to `port` on the far end.
    public static func tcpSocketInodes(remotePort port: Int) -> Set<String> {
        var inodes: Set<String> = []
        let hexPort = String(format: ":%04X", port)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                if fields.count > 9, fields[2].hasSuffix(hexPort) { inodes.insert(String(fields[9])) }
            }
        }
        return inodes
    }

    /// User plus system CPU seconds `pid` has used so far (/proc/PID/stat),
    /// or nil once it is gone.
    public static func cpuSeconds(of pid: pid_t) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        // After the command name: state is field 3, utime and stime 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
