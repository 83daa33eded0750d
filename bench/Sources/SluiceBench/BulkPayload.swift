import Foundation

/// The bytes of the throughput runs, moved at as little CPU as the kernel
/// allows, so the machine's cores go to the tunnel being measured rather
/// than to the benchmark's own ends: sent with sendfile() from a file in
/// the page cache (the kernel hands its pages on, nothing is copied out of
/// this process) and received with MSG_TRUNC (TCP drops the bytes instead
/// of copying them in). Counts are checked, as before; no tunnel sees a
/// difference, and every row, the direct one included, pays the same.
final class BulkPayload: @unchecked Sendable {
    static let shared = BulkPayload()

    private static let fileSize = 1 << 20
    private let file: Int32

    private init() {
        // Memory-backed where there is a writable /dev/shm; the page cache
        // of the temporary folder otherwise.
        let folders = ["/dev/shm", NSTemporaryDirectory()]
        var fd: Int32 = -1
        for folder in folders where fd < 0 {
            var template = Array("\(folder)/sluice-bench-payload-XXXXXX".utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if fd >= 0 { template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) } }
        }
        precondition(fd >= 0, "bench: cannot make the payload file in \(folders.joined(separator: " or ")): \(String(cString: strerror(errno)))")
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let bytes = [UInt8](repeating: 0x5A, count: Self.fileSize)
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        precondition(written == Self.fileSize, "bench: cannot fill the payload file")
        file = fd
    }

    /// Sends `count` bytes on the blocking socket `fd`; false if it broke first.
    func send(_ count: Int, to fd: Int32) -> Bool {
        var left = count
        while left > 0 {
            var offset = off_t(0)
            let sent = sendfile(fd, file, &offset, min(left, Self.fileSize))
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            left -= sent
        }
        return true
    }

    /// Receives until the peer closes its sending side: the bytes that
    /// came, or nil on an error.
    func receiveAll(from fd: Int32) -> Int? {
        var total = 0
        while true {
            let count = recv(fd, nil, Self.fileSize, Int32(MSG_TRUNC))
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { return total }
            total += count
        }
    }
}
