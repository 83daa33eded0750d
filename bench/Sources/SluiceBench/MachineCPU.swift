import Foundation

/// CPU time the whole machine has spent busy, read from /proc/stat: every
/// process (the benchmark's own client and service included) and the
/// kernel's work for them. Idle, I/O wait and steal are not busy; guest
/// time is already inside user time.
///
/// On a machine whose cores are all busy during a transfer, as loopback
/// transfers make a small machine, throughput follows this figure per byte
/// rather than any one process's: two ways' throughput ratio is close to
/// the inverse of their ratio here.
enum MachineCPU {
    /// Busy seconds since boot, summed over all cores.
    static var busySeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return 0 }
        // cpu user nice system idle iowait irq softirq steal guest guest_nice
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 7 else { return 0 }
        let busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]
        return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
