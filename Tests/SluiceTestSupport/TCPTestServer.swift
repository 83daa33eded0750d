import Foundation

/// A loopback TCP server for tests, a thread per connection.
///
/// `.echo` sends back everything it receives and closes after the client's
/// EOF. `.report` reads until EOF and then answers one line
/// "<count> <fnv1a hex>": a client that shut down its sending side must
/// still get it (half-close).
public final class TCPTestServer: @unchecked Sendable {
    public enum Mode: Sendable {
        case echo
        case report
    }

    public let port: Int
    private let listenFD: Int32
    private let mode: Mode
    private let lock = NSLock()
    private var stopped = false
    private let accepted = AcceptCounter()

    public init(mode: Mode) throws {
        self.mode = mode
        let (listenFD, port) = try LoopbackPort.listen()
        self.listenFD = listenFD
        self.port = port
        // The thread holds only the socket and the counter, not the server:
        // releasing the server stops it, which ends the thread.
        let counter = accepted
        Thread { Self.acceptLoop(listenFD, mode: mode, counter: counter) }.start()
    }

    deinit {
        stop()
    }

    public var connectionsAccepted: Int { accepted.value }

    public func stop() {
        lock.lock()
        let already = stopped
        stopped = true
        lock.unlock()
        if !already {
            shutdown(listenFD, Int32(SHUT_RDWR))
            close(listenFD)
        }
    }

    private static func acceptLoop(_ listenFD: Int32, mode: Mode, counter: AcceptCounter) {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            counter.increment()
            Thread { Self.serve(fd, mode: mode) }.start()
        }
    }

    private static func serve(_ fd: Int32, mode: Mode) {
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var count = 0
        var hash = ByteStream.fnvSeed
        while true {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received < 0 && errno == EINTR { continue }
            guard received > 0 else { break }
            switch mode {
            case .echo:
                guard TCPTestClient.sendAll(fd, buffer.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[0..<received]) }) else { return }
            case .report:
                count += received
                buffer.withUnsafeBytes { ByteStream.fnv1a(UnsafeRawBufferPointer(rebasing: $0[0..<received]), into: &hash) }
            }
        }
        if mode == .report {
            let line = Array("\(count) \(String(hash, radix: 16))\n".utf8)
            _ = line.withUnsafeBytes { TCPTestClient.sendAll(fd, $0) }
        }
    }
}

final class AcceptCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
