import CDescriptors

/// swift-nio opens its sockets (socket(), accept4()) and its epoll
/// descriptors without close-on-exec, and gives no hook to set it nor the
/// numbers to set it on. Every descriptor Sluice holds must be
/// close-on-exec (DESIGN.md, "Safety defaults"), so right after NIO makes
/// one (the loops and the listener, an accepted or a connected socket)
/// every descriptor from 3 up is marked, in one system call, as
/// SluiceWebSocket does for the client's.
enum CloseOnExec {
    static func markAll() {
        _ = sluice_mark_cloexec_from(3)
    }
}
