import Foundation

/// CPU time the whole machine has spent busy, read from /proc/stat: every
/// process (the benchmark's own client and service included, and anything
/// else running) and the kernel's work for them. Idle, I/O wait and steal
/// are not busy; guest time is already inside user time.
///
/// Where loopback transfers keep a small machine's cores mostly busy,
/// throughput follows this figure per byte rather than any one process's:
/// two ways that keep the machine about equally busy have a throughput
/// ratio close to the inverse of their ratio here.
enum MachineCPU {
    /// Busy seconds since boot, summed over all cores; nil if /proc/stat
    /// cannot be read.
    static var busySeconds: Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return nil }
        // cpu user nice system idle iowait irq softirq steal guest guest_nice
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 7 else { return nil }
        let busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]
        return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
