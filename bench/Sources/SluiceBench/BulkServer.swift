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
        switch command {
        case upload:
            guard let total = BulkPayload.shared.receiveAll(from: fd) else { return }
            var answer = UInt64(total).bigEndian
            _ = withUnsafeBytes(of: &answer) { BenchSocket.sendAll(fd, $0) }
        case download:
            var wanted: UInt64 = 0
            guard withUnsafeMutableBytes(of: &wanted, { BenchSocket.receiveExactly(fd, $0) }) else { return }
            guard BulkPayload.shared.send(Int(UInt64(bigEndian: wanted)), to: fd) else { return }
            shutdown(fd, Int32(SHUT_WR))
        default:
            return
        }
    }
}
