import CDescriptors

/// swift-nio opens its sockets (socket(), accept4()) and its epoll
/// descriptors without close-on-exec, and gives no hook to set it nor the
/// numbers to set it on. Every descriptor Sluice holds must be
/// close-on-exec (DESIGN.md, "Safety defaults"), so right after NIO makes
/// one (a loop, a listener, an accepted or a connecting socket), the agent
/// and the agent transport's client mark every descriptor from 3 up, in
/// one system call. A child spawned by another thread in the microseconds
/// between could still inherit it; ChildSpawn, the one way Sluice starts
/// a child, also closes every descriptor it does not pass.
public enum CloseOnExec {
    public static func markAll() {
        _ = sluice_mark_cloexec_from(3)
    }
}
