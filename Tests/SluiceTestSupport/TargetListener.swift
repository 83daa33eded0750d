import Foundation

/// A loopback listener whose connections the test accepts and drives
/// itself: a forward's target that sends, stays quiet or keeps a
/// half-closed connection open exactly when the test says.
public final class TargetListener: @unchecked Sendable {
    public let port: Int
    private let fd: Int32

    public init() throws {
        (fd, port) = try LoopbackPort.listen()
    }

    deinit {
        close(fd)
    }

    /// The next connection, blocking with `timeout` for its reads and
    /// writes; -1 if none came within `timeout`.
    public func accept(timeout: TimeInterval = 10) -> Int32 {
        var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&waiting, 1, Int32(timeout * 1000)) == 1 else { return -1 }
        let connection = Glibc.accept(fd, nil, nil)
        guard connection >= 0 else { return -1 }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        return connection
    }

    /// The local port of a connected socket, e.g. the client's side as the
    /// other end sees it.
    public static func localPort(of fd: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// True if the peer's close (an EOF or a reset) arrives within the
    /// socket's receive timeout, after any bytes still in flight.
    public static func seesClose(_ fd: Int32) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = recv(fd, &chunk, chunk.count, 0)
            if got == 0 { return true }
            if got < 0 { return errno == ECONNRESET }
        }
    }
}
