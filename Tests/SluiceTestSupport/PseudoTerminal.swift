import Foundation

/// A pseudo-terminal owned by a test: a program runs with its terminal side
/// as stdin, stdout, stderr and controlling terminal (so it can open
/// /dev/tty), and every byte it writes there is kept, exactly as sent.
public final class PseudoTerminal: @unchecked Sendable {
    private let controller: Int32
    private let lock = NSLock()
    private var received: [UInt8] = []
    private var isReading = true
    private var reader: Thread?

    public init() throws {
        var controller: Int32 = -1
        var terminal: Int32 = -1
        var name = [CChar](repeating: 0, count: 128)
        guard openpty(&controller, &terminal, &name, nil, nil) == 0 else {
            throw TestSupportError("openpty: \(String(cString: strerror(errno)))")
        }
        // Programs other tests start at the same moment must not inherit it.
        _ = fcntl(controller, F_SETFD, FD_CLOEXEC)
        close(terminal)
        self.controller = controller
        path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The terminal side, e.g. /dev/pts/7.
    public let path: String

    deinit {
        lock.withLock { isReading = false }
        while lock.withLock({ reader != nil }) { usleep(5_000) }
        close(controller)
    }

    /// Starts `executable` on the terminal, in a session of its own whose
    /// controlling terminal it is (setsid --ctty), and keeps what it writes.
    public func start(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> ChildProcess {
        let child = try ChildProcess("/usr/bin/setsid", ["--ctty", executable] + arguments, environment: environment,
                                     stdin: path, stdout: path, stderr: path)
        let thread = Thread { [self] in readUntilStopped() }
        lock.withLock { reader = thread }
        thread.start()
        return child
    }

    /// Types `text` as if on the keyboard.
    public func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(controller, $0.baseAddress, $0.count) }
    }

    /// Everything written to the terminal so far.
    public var output: [UInt8] { lock.withLock { received } }

    public var text: String { String(decoding: output, as: UTF8.self) }

    /// Waits until the terminal has shown `text`, at most `timeout` seconds.
    public func waitFor(_ text: String, timeout: TimeInterval = 20) -> Bool {
        let wanted = Array(text.utf8)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.firstRange(of: wanted) != nil { return true }
            usleep(20_000)
        }
        return false
    }

    /// Reads until the test is done with the terminal. Polls rather than
    /// waiting for end of file: another test's child may hold the terminal
    /// side open long after the program on it has exited.
    private func readUntilStopped() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while lock.withLock({ isReading }) {
            var ready = pollfd(fd: controller, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 50) == 1 else { continue }
            let count = read(controller, &buffer, buffer.count)
            if count > 0 {
                lock.withLock { received += buffer[0..<count] }
            } else if count == 0 || errno != EINTR && errno != EAGAIN {
                // EIO: nothing holds the terminal side open any more.
                break
            }
        }
        lock.withLock { reader = nil }
    }
}
