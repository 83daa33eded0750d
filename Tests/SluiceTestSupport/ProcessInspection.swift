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
                  let info = read("/proc/\(pid)/fdinfo/\(entry)"),
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
            guard let text = read(table) else { continue }
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
        guard let stat = read("/proc/\(pid)/stat"),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        // After the command name: state is field 3, utime and stime 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The name ps, top and pgrep show for `pid` (/proc/PID/comm).
    public static func name(of pid: pid_t) -> String? {
        read("/proc/\(pid)/comm")?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The file `pid` runs (/proc/PID/exe).
    public static func executable(of pid: pid_t) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
    }

    /// The environment `pid` was started with (/proc/PID/environ).
    public static func environment(of pid: pid_t) -> [String: String] {
        var result: [String: String] = [:]
        for entry in (read("/proc/\(pid)/environ") ?? "").split(separator: "\0") {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            result[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        return result
    }

    /// A /proc file read to its end: they report a size of 0, and a reader
    /// that trusts it (as Foundation's may) gets the first page only.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = Glibc.read(fd, &chunk, chunk.count)
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            bytes += chunk[0..<got]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
