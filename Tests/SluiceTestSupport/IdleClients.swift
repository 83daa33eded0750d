import Foundation

/// Many TCP clients of one loopback port that connect and then send
/// nothing: a crowd that holds connections open. Connects do not wait, so
/// clients beyond the listener's queue keep retrying in the kernel. Each
/// is reset (not closed politely) when the crowd leaves, so no port stays
/// in TIME_WAIT afterwards.
public final class IdleClients: @unchecked Sendable {
    public let port: Int
    private var fds: [Int32] = []

    /// Opens `count` clients; throws if this process runs out of descriptors.
    public init(port: Int, count: Int) throws {
        self.port = port
        fds.reserveCapacity(count)
        var address = LoopbackPort.address(port: port)
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                leave()
                throw TestSupportError("cannot open client \(fds.count + 1) of \(count): \(reason)")
            }
            fds.append(fd)
            _ = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    deinit {
        leave()
    }

    public var count: Int { fds.count }

    /// How many clients the other side has closed (they read end-of-file or
    /// a reset), checked without waiting.
    public var closedByPeer: Int {
        var chunk = [UInt8](repeating: 0, count: 64)
        return fds.filter { fd in
            let got = recv(fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
            return got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOTCONN)
        }.count
    }

    /// Resets every client at once.
    public func leave() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        for fd in fds {
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(fd)
        }
        fds.removeAll()
    }
}
