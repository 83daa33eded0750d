import CNetworkNamespace
import Foundation

/// Connects to a port on the loopback of another network namespace, the
/// way a container platform's agent reaches a container: a thread of its
/// own joins the namespace (setns), makes and connects the socket there,
/// and ends. A socket belongs to the namespace it was made in for good, so
/// the connected descriptor then works from any thread.
///
/// The thread is always a new one: setns changes the calling thread for
/// the rest of its life, and an event loop's thread, the main thread or a
/// shared pool's thread must stay where the agent runs.
enum NamespaceDialer {
    /// Calls `completion` (on the dialing thread) with a connected,
    /// non-blocking, close-on-exec socket, or why there is none.
    static func connect(namespace path: String, target: TargetDescription,
                        completion: @escaping @Sendable (Result<Int32, TargetDialError>) -> Void) {
        let thread = Thread {
            completion(dial(namespace: path, target: target))
        }
        thread.name = "sluice-netns"
        thread.start()
    }

    private static func dial(namespace path: String, target: TargetDescription) -> Result<Int32, TargetDialError> {
        let namespace = open(path, O_RDONLY | O_CLOEXEC)
        guard namespace >= 0 else { return .failure(target.namespaceFailure("open", path: path, errno: errno)) }
        let entered = sluice_enter_network_namespace(namespace)
        let enterError = errno
        close(namespace)
        guard entered == 0 else { return .failure(target.namespaceFailure("enter", path: path, errno: enterError)) }

        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return .failure(target.otherFailure(String(cString: strerror(errno)))) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = in_port_t(UInt16(target.route.port).bigEndian)
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var failure = started == 0 ? 0 : errno
        if failure == EINPROGRESS || failure == EINTR {
            failure = finishConnect(fd, timeout: target.connectTimeout)
        }
        guard failure == 0 else {
            close(fd)
            return .failure(target.connectFailure(errno: failure))
        }
        return .success(fd)
    }

    /// Waits for a non-blocking connect: 0, or its error (ETIMEDOUT when
    /// `timeout` passed first).
    private static func finishConnect(_ fd: Int32, timeout: Double) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return ETIMEDOUT }
            var waiter = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&waiter, 1, Int32(left * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { return errno }
            if ready == 0 { continue }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return errno }
            return error
        }
    }
}
