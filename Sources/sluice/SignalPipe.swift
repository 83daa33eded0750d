import CDescriptors
import Foundation

/// Signals turned into bytes on a pipe, so a poll() loop can wait for them
/// next to its other file descriptors.
enum SignalPipe {
    nonisolated(unsafe) private static var writeFD: Int32 = -1
    nonisolated(unsafe) private(set) static var readFD: Int32 = -1

    static func install(_ signals: [Int32] = [SIGINT, SIGTERM]) {
        var fds: [Int32] = [0, 0]
        guard sluice_pipe_cloexec(&fds) == 0 else { return }
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
