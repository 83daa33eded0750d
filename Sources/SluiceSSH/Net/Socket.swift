import CDescriptors
import Foundation

/// A non-blocking TCP socket; the one owner of its file descriptor, closed
/// when released. Every socket is close-on-exec from its creation on.
final class Socket {
    let fd: Int32

    enum ReadResult: Equatable {
        case data(Int)
        case wouldBlock
        case endOfFile
        case failed(Int32)
    }

    enum WriteResult: Equatable {
        case sent(Int)
        case wouldBlock
        case failed(Int32)
    }

    enum AcceptResult {
        case accepted(Socket)
        /// No client is waiting (or accept() failed in a way retrying
        /// cannot mend).
        case noneWaiting
        /// No descriptor or memory for the new socket (errno): the client
        /// still waits in the queue.
        case shortOfResources(Int32)
    }

    /// Takes ownership of `fd`.
    init(fd: Int32) {
        self.fd = fd
    }

    /// A new non-blocking TCP socket of `family`, or nil (errno says why).
    private convenience init?(family: Int32) {
        let fd = Glibc.socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        self.init(fd: fd)
    }

    deinit {
        close(fd)
    }

    /// A listening socket on `host:port` (port 0: the kernel picks).
    static func listen(host: String, port: Int, backlog: Int32 = 1024) throws(SocketError) -> Socket {
        let addresses = try SocketAddress.resolve(host: host, port: port, passive: true)
        var lastError: SocketError?
        for address in addresses {
            guard let socket = Socket(family: address.family) else { lastError = .system("socket", errno); continue }
            let fd = socket.fd
            socket.setOption(SOL_SOCKET, SO_REUSEADDR, 1)
            if address.family == AF_INET6 { socket.setOption(Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1) }
            let bound = address.withSockaddr { Glibc.bind(fd, $0, $1) }
            guard bound == 0 else { lastError = .bind(errno, address: host, port: port); continue }
            guard Glibc.listen(fd, backlog) == 0 else { lastError = .system("listen", errno); continue }
            return socket
        }
        throw lastError ?? SocketError(code: EINVAL, description: "no address to listen on for \(host)")
    }

    /// Starts connecting to `address`; the connection is ready when the
    /// socket becomes writable and `pendingError` is 0.
    static func connect(to address: SocketAddress) throws(SocketError) -> Socket {
        guard let socket = Socket(family: address.family) else { throw .system("socket", errno) }
        socket.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        let result = address.withSockaddr { Glibc.connect(socket.fd, $0, $1) }
        guard result == 0 || errno == EINPROGRESS else { throw .system("connect", errno) }
        return socket
    }

    /// A connected pair of Unix stream sockets, close-on-exec and blocking
    /// (libssh takes a would-block on its socket for a broken link while
    /// it is in blocking mode; a ProxyCommand expects plain stdio).
    static func pair() throws(SessionError) -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw .protocolError("cannot make a socket pair: \(String(cString: strerror(errno)))")
        }
        return (fds[0], fds[1])
    }

    /// The next waiting connection.
    func accept() -> AcceptResult {
        while true {
            let fd = sluice_accept_cloexec(self.fd)
            if fd >= 0 {
                let socket = Socket(fd: fd)
                socket.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)
                return .accepted(socket)
            }
            switch errno {
            // A connection that died before accept (Linux reports its
            // network errors here and drops it, see accept(2)) is not a
            // reason to stop.
            case EINTR, ECONNABORTED, EPROTO, ENOPROTOOPT, ENETDOWN, ENONET, EHOSTDOWN, EHOSTUNREACH, ENETUNREACH, EOPNOTSUPP:
                continue
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                return .shortOfResources(errno)
            default:
                return .noneWaiting
            }
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> ReadResult {
        while true {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return .data(count) }
            if count == 0 { return .endOfFile }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
    }

    func send(_ buffer: UnsafeRawBufferPointer) -> WriteResult {
        while true {
            let count = Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            if count >= 0 { return .sent(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(errno)
            }
        }
    }

    func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Makes the close that comes send a reset (SO_LINGER of 0): the peer
    /// learns the connection was cut, not ended.
    func resetOnClose() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    /// The other end's address, "127.0.0.1:53122" or "[::1]:53122"; nil
    /// once it is gone.
    var peerAddress: String? {
        var address = SocketAddress()
        address.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let found = withUnsafeMutableBytes(of: &address.storage) { raw in
            getpeername(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &address.length) == 0
        }
        return found ? address.numericDescription : nil
    }

    /// The error of a connect in progress (0 once connected), from SO_ERROR.
    var pendingError: Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length)
        return value
    }

    /// The local port, e.g. after listening on port 0.
    var localPort: Int {
        var address = SocketAddress()
        address.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutableBytes(of: &address.storage) { raw in
            _ = getsockname(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &address.length)
        }
        return address.port
    }

    func setOption(_ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }
}
