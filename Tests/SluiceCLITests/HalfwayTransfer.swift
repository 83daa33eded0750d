import Foundation
import SluiceTestSupport

/// A transfer through a forward that a test stops halfway: the first half
/// of a payload sent and coming back from an echo service, then (once the
/// test has closed the forward's listener) the rest and the client's EOF,
/// and every byte back in order.
final class HalfwayTransfer {
    let fd: Int32
    let payload: [UInt8]
    private let received = ReceivedBytes()

    init(port: Int, bytes: Int, seed: UInt64) {
        fd = TCPTestClient.connect(port: port)
        var stream = ByteStream(seed: seed)
        var data = [UInt8](repeating: 0, count: bytes)
        data.withUnsafeMutableBytes { stream.fill($0) }
        payload = data
        let fd = self.fd
        let received = self.received
        Thread {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while fd >= 0 {
                let count = recv(fd, &chunk, chunk.count, 0)
                guard count > 0 else { break }
                received.append(chunk[0..<count])
            }
            received.end()
        }.start()
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// The first half sent, and some of it back.
    func sendFirstHalf(timeout: TimeInterval = 20) -> Bool {
        fd >= 0 && payload.withUnsafeBytes { TCPTestClient.sendAll(fd, UnsafeRawBufferPointer(rebasing: $0[0..<payload.count / 2])) }
            && received.waitForCount(atLeast: 1, timeout: timeout)
    }

    /// The rest sent, then EOF; what came back once the echo's EOF came,
    /// or nil if it did not within `timeout`.
    func finish(timeout: TimeInterval = 30) -> [UInt8]? {
        guard payload.withUnsafeBytes({ TCPTestClient.sendAll(fd, UnsafeRawBufferPointer(rebasing: $0[(payload.count / 2)...])) }) else { return nil }
        shutdown(fd, Int32(SHUT_WR))
        return received.waitForEnd(timeout: timeout) ? received.bytes : nil
    }

    /// True once a connect to `port` is refused, within `timeout`: the
    /// listener is closed.
    static func listenerCloses(port: Int, within timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let probe = TCPTestClient.connect(port: port, timeout: 1)
            if probe < 0 { return true }
            close(probe)
            usleep(20_000)
        }
        return false
    }
}
