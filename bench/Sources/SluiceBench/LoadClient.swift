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
        var command = BulkServer.upload
        guard withUnsafeBytes(of: &command, { BenchSocket.sendAll(fd, $0) }), BulkPayload.shared.send(bytes, to: fd) else {
            throw BenchError("upload: the connection broke before all \(bytes) bytes were sent")
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
        guard let received = BulkPayload.shared.receiveAll(from: fd) else { throw BenchError("download: the connection broke") }
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
