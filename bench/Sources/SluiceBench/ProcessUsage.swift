import Foundation

/// What a process has used so far, read from /proc: CPU time (user +
/// system, all threads) and its resident memory, now and at its peak.
struct ProcessUsage {
    let pid: pid_t

    /// Seconds of CPU used since the process started.
    var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return 0 }
        // After the name: state is field 3, utime and stime fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Peak resident set size (VmHWM) in bytes.
    var peakResidentBytes: Int { statusBytes("VmHWM:") }

    /// Resident set size now (VmRSS) in bytes.
    var residentBytes: Int { statusBytes("VmRSS:") }

    /// A size field of /proc/PID/status (given in kB there) in bytes.
    private func statusBytes(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            let kibibytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return kibibytes * 1024
        }
        return 0
    }
}
