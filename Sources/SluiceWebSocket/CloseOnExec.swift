import CDescriptors

/// swift-nio opens its sockets (socket(), accept4()) and its epoll
/// descriptors without close-on-exec, and gives no hook to set it nor the
/// numbers to set it on. Every descriptor Sluice holds must be
/// close-on-exec (DESIGN.md, "Safety defaults"), so right after NIO makes
/// one (a loop, a listener, an accepted or a connecting socket) every
/// descriptor from 3 up is marked, in one system call. A child spawned by
/// another thread in the microseconds between could still inherit it; a
/// spawn site that also closes what it does not pass covers that.
enum CloseOnExec {
    static func markAll() {
        _ = sluice_mark_cloexec_from(3)
    }
}
