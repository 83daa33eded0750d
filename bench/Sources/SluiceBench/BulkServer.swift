import Foundation

/// The far end of the throughput runs, a thread per connection.
///
/// A client opens with one command byte:
/// - `U`: it uploads until it shuts down its sending side; the server then
///   answers the byte count (8 bytes, big-endian), so the client's clock
///   stops only once every byte has crossed the tunnel.
/// - `D` and an 8-byte count: the server sends that many bytes and closes.
final class BulkServer: @unchecked Sendable {
    static let upload = UInt8(ascii: "U")
    static let download = UInt8(ascii: "D")
    static let chunkSize = 1 << 20

    private let listener: ServiceListener
    var port: Int { listener.port }

    init() throws {
        listener = try ServiceListener { listenFD in
            ServiceListener.acceptEach(listenFD) { fd in Thread { BulkServer.serve(fd) }.start() }
        }
    }

    private static func serve(_ fd: Int32) {
        defer { close(fd) }
        BenchSocket.setNoDelay(fd)
        var command: UInt8 = 0
        guard withUnsafeMutableBytes(of: &command, { BenchSocket.receiveExactly(fd, $0) }) else { return }
        var buffer = [UInt8](repeating: 0x5A, count: chunkSize)
        switch command {
        case upload:
            var total: UInt64 = 0
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                total += UInt64(count)
            }
            var answer = total.bigEndian
            _ = withUnsafeBytes(of: &answer) { BenchSocket.sendAll(fd, $0) }
        case download:
            var wanted: UInt64 = 0
            guard withUnsafeMutableBytes(of: &wanted, { BenchSocket.receiveExactly(fd, $0) }) else { return }
            var left = Int(UInt64(bigEndian: wanted))
            while left > 0 {
                let size = min(left, buffer.count)
                guard buffer.withUnsafeBytes({ BenchSocket.sendAll(fd, UnsafeRawBufferPointer(rebasing: $0[0..<size])) }) else { return }
                left -= size
            }
            shutdown(fd, Int32(SHUT_WR))
        default:
            return
        }
    }
}
