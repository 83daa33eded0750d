import Foundation

/// Client side of the tests' traffic: connects through a forward and checks
/// that every byte arrives, in order.
public enum TCPTestClient {
    /// A blocking connection to 127.0.0.1:`port`, or -1.
    public static func connect(port: Int, timeout: TimeInterval = 10) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = LoopbackPort.address(port: port)
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let ok = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        if !ok {
            close(fd)
            return -1
        }
        return fd
    }

    /// Reads until `count` bytes came, or the peer closed or timed out.
    public static func receive(_ fd: Int32, count: Int) -> [UInt8] {
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: count)
        while reply.count < count {
            let got = recv(fd, &chunk, count - reply.count, 0)
            guard got > 0 else { break }
            reply += chunk[0..<got]
        }
        return reply
    }

    public static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    public struct EchoResult: Sendable, Equatable {
        /// Bytes that came back equal to what was sent, before any mismatch.
        public var matched: Int
        /// True when all `bytes` came back exactly and then the stream ended.
        public var exact: Bool

        public init(matched: Int, exact: Bool) {
            self.matched = matched
            self.exact = exact
        }
    }

    /// Sends `bytes` pseudo-random bytes through an echo service at `port`
    /// while reading the echo back, then closes the sending side and expects
    /// the echo to end.
    public static func echo(port: Int, bytes: Int, seed: UInt64, timeout: TimeInterval = 60) -> EchoResult {
        let fd = connect(port: port, timeout: timeout)
        guard fd >= 0 else { return EchoResult(matched: 0, exact: false) }
        defer { close(fd) }
        return echo(fd: fd, bytes: bytes, seed: seed)
    }

    /// The same on a connection already open (many opened first, to have
    /// them all open at once); the caller closes `fd`.
    public static func echo(fd: Int32, bytes: Int, seed: UInt64) -> EchoResult {
        let writer = Thread {
            var stream = ByteStream(seed: seed)
            var chunk = [UInt8](repeating: 0, count: 65536)
            var left = bytes
            while left > 0 {
                let size = min(left, chunk.count)
                chunk.withUnsafeMutableBytes { stream.fill(UnsafeMutableRawBufferPointer(rebasing: $0[0..<size])) }
                guard chunk.withUnsafeBytes({ sendAll(fd, UnsafeRawBufferPointer(rebasing: $0[0..<size])) }) else { return }
                left -= size
            }
            shutdown(fd, Int32(SHUT_WR))
        }
        writer.start()
        var expected = ByteStream(seed: seed)
        var want = [UInt8](repeating: 0, count: 65536)
        var got = [UInt8](repeating: 0, count: 65536)
        var matched = 0
        while true {
            let count = got.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return EchoResult(matched: matched, exact: count == 0 && matched == bytes) }
            guard matched + count <= bytes else { return EchoResult(matched: matched, exact: false) }
            want.withUnsafeMutableBytes { expected.fill(UnsafeMutableRawBufferPointer(rebasing: $0[0..<count])) }
            if want[0..<count] != got[0..<count] { return EchoResult(matched: matched, exact: false) }
            matched += count
        }
    }

    /// Sends `bytes` pseudo-random bytes to a `.report` service, shuts down
    /// the sending side, and returns the line the service answers.
    public static func sendThenReadReport(port: Int, bytes: Int, seed: UInt64) -> (report: String?, expected: String) {
        var stream = ByteStream(seed: seed)
        var data = [UInt8](repeating: 0, count: bytes)
        data.withUnsafeMutableBytes { stream.fill($0) }
        var hash = ByteStream.fnvSeed
        data.withUnsafeBytes { ByteStream.fnv1a($0, into: &hash) }
        let expected = "\(bytes) \(String(hash, radix: 16))"
        let fd = connect(port: port)
        guard fd >= 0 else { return (nil, expected) }
        defer { close(fd) }
        guard data.withUnsafeBytes({ sendAll(fd, $0) }) else { return (nil, expected) }
        shutdown(fd, Int32(SHUT_WR))
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            reply += chunk[0..<count]
        }
        let text = String(decoding: reply, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (text.isEmpty ? nil : text, expected)
    }
}

extension TCPTestClient {
    /// Connects, sends a byte and waits for the connection to end: true if
    /// it ended (closed or reset) without a byte coming back, as a forward
    /// does with a client whose target refused.
    public static func closedWithoutAnswer(port: Int) -> Bool {
        let fd = connect(port: port, timeout: 20)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var byte: UInt8 = 1
        _ = send(fd, &byte, 1, Int32(MSG_NOSIGNAL))
        return recv(fd, &byte, 1, 0) <= 0
    }
}
