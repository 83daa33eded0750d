import CDescriptors
import Foundation
import SluiceCore

/// Signals turned into bytes on a pipe, so a poll() loop can wait for them
/// next to its other file descriptors.
enum SignalPipe {
    nonisolated(unsafe) private static var writeFD: Int32 = -1
    nonisolated(unsafe) private(set) static var readFD: Int32 = -1

    /// Fails only when the process is out of descriptors; the caller stops
    /// then, since without it SIGTERM would end the process undrained and a
    /// client hanging up would end it by SIGPIPE.
    static func install(_ signals: [Int32] = [SIGINT, SIGTERM]) throws(SystemError) {
        var fds: [Int32] = [0, 0]
        _ = try valueOrErrno("cannot make a pipe") { sluice_pipe_cloexec(&fds) }
        readFD = fds[0]
        writeFD = fds[1]
        for number in signals {
            signal(number) { received in
                var byte = UInt8(truncatingIfNeeded: received)
                _ = write(SignalPipe.writeFD, &byte, 1)
            }
        }
        // A client that hangs up must not kill the process.
        signal(SIGPIPE, SIG_IGN)
    }

    /// The signals received since the last call, oldest first.
    static func take() -> [Int32] {
        var buffer = [UInt8](repeating: 0, count: 16)
        var received: [Int32] = []
        while true {
            let got = read(readFD, &buffer, buffer.count)
            guard got > 0 else { return received }
            received += buffer.prefix(got).map { Int32($0) }
        }
    }
}
