import Foundation
import SluiceTestSupport

/// What the figures were measured on, printed above the table.
enum MachineDescription {
    static var text: String {
        let cpu = firstValue(in: "/proc/cpuinfo", key: "model name") ?? "unknown CPU"
        let cores = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        let memory = (firstValue(in: "/proc/meminfo", key: "MemTotal").flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0) / 1024 / 1024
        var names = utsname()
        uname(&names)
        let kernel = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let openSSH = (try? Command("/usr/bin/ssh", ["-V"]).run().stderr.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "?"
        let libssh = (try? Command("/usr/bin/dpkg-query", ["-W", "-f", "${Version}", "libssh-4"]).run().stdout) ?? "?"
        return "\(cpu), \(cores) cores, \(memory) GiB; Linux \(kernel); \(openSSH); libssh \(libssh)"
    }

    private static func firstValue(in file: String, key: String) -> String? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }
}
