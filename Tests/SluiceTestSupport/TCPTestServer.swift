import Foundation

/// A loopback TCP server for tests, a thread per connection.
///
/// `.echo` sends back everything it receives and closes after the client's
/// EOF. `.report` reads until EOF and then answers one line
/// "<count> <fnv1a hex>": a client that shut down its sending side must
/// still get it (half-close). The server keeps each such line too, for a
/// client that cannot wait for it.
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
    private let received = ReportLines()

    /// On `port`, or one the kernel picks.
    public init(mode: Mode, port: Int = 0) throws {
        self.mode = mode
        let (listenFD, port) = try LoopbackPort.listen(port: port)
        self.listenFD = listenFD
        self.port = port
        // The thread holds only the socket and the counters, not the
        // server: releasing the server stops it, which ends the thread.
        let counter = accepted
        let reports = received
        Thread { Self.acceptLoop(listenFD, mode: mode, counter: counter, reports: reports) }.start()
    }

    deinit {
        stop()
    }

    public var connectionsAccepted: Int { accepted.value }

    /// In `.report` mode, the line of each connection that reached its
    /// EOF ("<count> <fnv1a hex>"), in the order they ended.
    public var reports: [String] { received.lines }

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

    private static func acceptLoop(_ listenFD: Int32, mode: Mode, counter: AcceptCounter, reports: ReportLines) {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            counter.increment()
            Thread { Self.serve(fd, mode: mode, reports: reports) }.start()
        }
    }

    private static func serve(_ fd: Int32, mode: Mode, reports: ReportLines) {
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
            reports.append("\(count) \(String(hash, radix: 16))")
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

final class ReportLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func append(_ line: String) {
        lock.lock()
        stored.append(line)
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
