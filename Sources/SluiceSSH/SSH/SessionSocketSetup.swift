import CSessionSocket
import Foundation

/// What Sluice does to a session's socket once the session pumps data:
/// sends bounded to 1 ms, and the read-ahead of Sources/CSessionSocket.
enum SessionSocketSetup {
    /// libssh writes only once poll() said the socket is writable, so a
    /// send that would otherwise wait for all of a large flush returns
    /// after this with what fitted; libssh keeps the rest for the next
    /// POLLOUT. The session's thread (every forward of that server) never
    /// waits on a slow link longer than this; the kernel counts it in
    /// clock ticks, so it is really 1 to 10 ms. The one risk left: a send
    /// that copies nothing at all despite POLLOUT (the kernel shrinking the
    /// send buffer under memory pressure) returns EAGAIN, which libssh 0.10
    /// takes for a broken link; the session then reconnects.
    static let sendTimeout = timeval(tv_sec: 0, tv_usec: 1000)

    /// The read-ahead is used only with the libssh it was verified against
    /// (0.10.x, whose reads it knows), not for jump hosts' sessions, and
    /// never when `SLUICE_READ_AHEAD=0`.
    static let readAheadEnabled: Bool = {
        ProcessInfo.processInfo.environment["SLUICE_READ_AHEAD"] != "0" && LibSSH.runtimeVersion.hasPrefix("0.10.")
    }()

    /// Sets the send timeout on `fd`; returns whether it was registered for
    /// read-ahead.
    static func prepare(_ fd: Int32, readAhead: Bool) -> Bool {
        var timeout = sendTimeout
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard readAhead && readAheadEnabled else { return false }
        return sluice_session_socket_register(fd) == 0
    }
}
