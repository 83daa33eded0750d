import Foundation

/// Whether Sluice should restart itself once with a glibc tunable that
/// keeps `rep movsb` out of mid-sized copies, and with what environment.
///
/// glibc before 2.39 copies 2 KiB to about 1 MiB with `rep movsb`, which
/// on AMD Zen runs at a tenth of its speed when the destination sits a few
/// bytes past the source modulo 64 (glibc bug 30994). libssh copies every
/// received byte twice at such offsets; on an AMD EPYC machine those copies
/// were 40 % of Sluice's CPU while receiving. Setting
/// `glibc.cpu.x86_rep_movsb_threshold` above `x86_rep_movsb_stop_threshold`
/// makes glibc use its vector loop instead. A tunable is read only at
/// start, so the process runs itself again with GLIBC_TUNABLES extended,
/// never replaced; only on an AMD CPU with an older glibc, once (a marker
/// in the environment), and never when `SLUICE_GLIBC_TUNING=0`.
///
/// This is the one place Sluice changes how libc behaves for the whole
/// process; nothing else in it replaces a libc function.
public enum CopyTuning {
    public static let tunable = "glibc.cpu.x86_rep_movsb_threshold"
    /// Above any stop threshold (a share of the last-level cache): `rep movsb`
    /// is then never chosen.
    public static let threshold = 1 << 40
    /// Set in the restarted process, so it never restarts again.
    public static let marker = "SLUICE_GLIBC_TUNED"
    /// `SLUICE_GLIBC_TUNING=0` switches this off.
    public static let switchVariable = "SLUICE_GLIBC_TUNING"

    /// The environment to restart with, or nil to go on as is. The vendor
    /// is asked for last: reading /proc/cpuinfo is the costly part, and
    /// every command starts here.
    public static func restartEnvironment(cpuVendor: @autoclosure () -> String?, glibcVersion: String?, environment: [String: String]) -> [String: String]? {
        guard environment[switchVariable] != "0", environment[marker] == nil else { return nil }
        guard let glibcVersion, isBefore239(glibcVersion), cpuVendor() == "AuthenticAMD" else { return nil }
        let existing = environment["GLIBC_TUNABLES"] ?? ""
        // The user's own setting of it wins.
        guard !existing.contains(tunable + "=") else { return nil }
        var changed = environment
        changed["GLIBC_TUNABLES"] = (existing.isEmpty ? "" : existing + ":") + "\(tunable)=\(threshold)"
        changed[marker] = "1"
        return changed
    }

    /// "2.36" and "2.38.1" are, "2.39" and "2.40" and "3.0" are not.
    static func isBefore239(_ version: String) -> Bool {
        let parts = version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        guard let major = parts.first else { return false }
        let minor = parts.count > 1 ? parts[1] : 0
        return major < 2 || (major == 2 && minor < 39)
    }

    /// The CPU's vendor, from /proc/cpuinfo ("AuthenticAMD", "GenuineIntel").
    public static func cpuVendor() -> String? {
        guard let text = try? TextFile.readText("/proc/cpuinfo", limit: 4 << 20) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("vendor_id") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }
}
