import Foundation
import SluiceTestSupport

/// The few socket calls the benchmark's clients and services make, on
/// 127.0.0.1 only, blocking unless a caller sets O_NONBLOCK itself.
enum BenchSocket {
    /// A blocking connection to 127.0.0.1:`port` with TCP_NODELAY (as both
    /// tunnels set on their own sockets), or -1.
    static func connect(port: Int, timeout: TimeInterval = 30) -> Int32 {
        let fd = TCPTestClient.connect(port: port, timeout: timeout)
        if fd >= 0 { setNoDelay(fd) }
        return fd
    }

    static func setNoDelay(_ fd: Int32) {
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    static func setNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        TCPTestClient.sendAll(fd, bytes)
    }

    /// Reads exactly `buffer.count` bytes; false on EOF or error first.
    static func receiveExactly(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let count = recv(fd, buffer.baseAddress! + offset, buffer.count - offset, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    /// True when something accepts connections on 127.0.0.1:`port`.
    static func accepts(port: Int) -> Bool {
        let fd = TCPTestClient.connect(port: port, timeout: 1)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}
