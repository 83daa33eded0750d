import CDescriptors
import Foundation

/// A pipe that other threads write to, so a thread asleep in poll() wakes
/// up. Many wakes before the sleeper looks collapse into a few bytes.
public final class WakePipe: @unchecked Sendable {
    /// The end to poll for reading.
    public let fd: Int32
    private let writeFD: Int32

    public init() {
        var fds: [Int32] = [0, 0]
        precondition(sluice_pipe_cloexec(&fds) == 0, "pipe: \(String(cString: strerror(errno)))")
        fd = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(fd)
        close(writeFD)
    }

    public func wake() {
        var byte: UInt8 = 1
        // A full pipe already holds a wake; nothing is lost by dropping this one.
        _ = write(writeFD, &byte, 1)
    }

    /// Clears pending wakes; true if there were any since the last call.
    @discardableResult
    public func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 256)
        var woken = false
        while read(fd, &buffer, buffer.count) > 0 { woken = true }
        return woken
    }
}
