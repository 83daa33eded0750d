import CDescriptors
import Foundation
import SluiceCore

/// A pipe that other threads write to, so a thread asleep in poll() wakes
/// up. Many wakes before the sleeper looks collapse into a few bytes.
public final class WakePipe: @unchecked Sendable {
    /// The end to poll for reading.
    public let fd: Int32
    private let writeFD: Int32

    /// Fails only when the process or the system is out of descriptors:
    /// a caller that meets it mid-run reports it like any other shortage
    /// rather than ending the program.
    public init() throws(SystemError) {
        var fds: [Int32] = [0, 0]
        _ = try valueOrErrno("cannot make a pipe") { sluice_pipe_cloexec(&fds) }
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
