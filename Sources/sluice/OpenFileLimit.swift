import Foundation

/// Every forwarded connection holds a socket, and many systems start
/// programs with room for only 1,024 descriptors (the soft limit) while
/// allowing far more (the hard limit). Sluice raises its own soft limit,
/// as servers do, so a burst of connections is not refused with "too many
/// open files".
enum OpenFileLimit {
    /// Sockets above this number get no read-ahead (`CSessionSocket`),
    /// and no forward needs more.
    static let ceiling: rlim_t = 65536

    static func raise() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let wanted = min(limit.rlim_max, ceiling)
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = wanted
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
