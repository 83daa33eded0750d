import Foundation

/// The benchmark's client side: it drives traffic through a port (a
/// tunnel's, or the service's own for the direct baseline) and checks that
/// every byte arrived before it counts a run.
enum LoadClient {
    /// Uploads `bytes` to a `BulkServer` behind `port`; the seconds until
    /// the server confirmed receiving them all.
    static func upload(port: Int, bytes: Int) throws -> Double {
        let started = Clock.now
        let fd = BenchSocket.connect(port: port)
        guard fd >= 0 else { throw BenchError("upload: cannot connect to port \(port)") }
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0xA5, count: BulkServer.chunkSize)
        chunk[0] = BulkServer.upload
        var first = true
        var left = bytes
        while left > 0 {
            let size = min(left, chunk.count - (first ? 1 : 0))
            let sent = chunk.withUnsafeBytes { raw in
                BenchSocket.sendAll(fd, UnsafeRawBufferPointer(rebasing: raw[0..<(size + (first ? 1 : 0))]))
            }
            guard sent else { throw BenchError("upload: the connection broke with \(left) bytes still to send") }
            if first {
                chunk[0] = 0xA5
                first = false
            }
            left -= size
        }
        shutdown(fd, Int32(SHUT_WR))
        var answer: UInt64 = 0
        guard withUnsafeMutableBytes(of: &answer, { BenchSocket.receiveExactly(fd, $0) }) else {
            throw BenchError("upload: no confirmation from the server")
        }
        let received = Int(UInt64(bigEndian: answer))
        guard received == bytes else { throw BenchError("upload: the server received \(received) of \(bytes) bytes") }
        return Clock.now - started
    }

    /// Downloads `bytes` from a `BulkServer` behind `port`; the seconds
    /// until the last one arrived.
    static func download(port: Int, bytes: Int) throws -> Double {
        let started = Clock.now
        let fd = BenchSocket.connect(port: port)
        guard fd >= 0 else { throw BenchError("download: cannot connect to port \(port)") }
        defer { close(fd) }
        var request = [UInt8](repeating: 0, count: 9)
        request[0] = BulkServer.download
        withUnsafeBytes(of: UInt64(bytes).bigEndian) { request.replaceSubrange(1..<9, with: $0) }
        guard request.withUnsafeBytes({ BenchSocket.sendAll(fd, $0) }) else { throw BenchError("download: cannot send the request") }
        var buffer = [UInt8](repeating: 0, count: BulkServer.chunkSize)
        var received = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            received += count
        }
        guard received == bytes else { throw BenchError("download: received \(received) of \(bytes) bytes") }
        return Clock.now - started
    }

    /// `count` sequential round trips to an `EchoServer` behind `port`, each
    /// a new connection that sends one byte and waits for it to come back:
    /// the seconds each took, from connect() to the echoed byte.
    static func roundTrips(port: Int, count: Int) throws -> [Double] {
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for index in 0..<count {
            let started = Clock.now
            let fd = BenchSocket.connect(port: port, timeout: 10)
            guard fd >= 0 else { throw BenchError("round trip \(index + 1): cannot connect to port \(port)") }
            var byte = UInt8(truncatingIfNeeded: index)
            let sent = withUnsafeBytes(of: &byte) { BenchSocket.sendAll(fd, $0) }
            var echoed: UInt8 = 0
            let back = sent && withUnsafeMutableBytes(of: &echoed) { BenchSocket.receiveExactly(fd, $0) }
            close(fd)
            guard back, echoed == byte else { throw BenchError("round trip \(index + 1): the byte did not come back") }
            samples.append(Clock.now - started)
        }
        return samples
    }
}
