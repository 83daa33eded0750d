import Foundation
import SluiceCore

/// The user's own ProxyCommand, from their own ssh config, run as OpenSSH
/// runs it: `$SHELL -c "exec COMMAND"` (else /bin/sh), its stdin and stdout
/// the session's socket. It is the one command Sluice runs through a shell,
/// because the user wrote it for one; Sluice never builds a command from
/// any other string (a jump host is a chain of its own sessions).
///
/// Started with posix_spawn: the child gets its stdio and nothing else of
/// Sluice's, default signal handling, a process group of its own (so a
/// Ctrl+C meant for `sluice up` does not cut connections that are to
/// drain), and its stderr goes to a socket whose last lines become the
/// server's status when the command fails. It is stopped by its process
/// group (SIGHUP, as ssh does; what it started goes too) when the session
/// ends, and reaped as soon as it exits.
final class ProxyCommandProcess: LinkCarrier, @unchecked Sendable {
    let pid: pid_t
    private let label: String
    private let lock = NSLock()
    private var stderrTail = ""
    private var exitStatus: Int32?
    private var stderrClosed = false
    private let exited = NSCondition()

    private init(pid: pid_t, label: String) {
        self.pid = pid
        self.label = label
    }

    /// Starts `command` for reaching `label`; returns the process and the
    /// descriptor the session is to use as its socket.
    static func start(_ command: String, for label: String) throws(SessionError) -> (ProxyCommandProcess, Int32) {
        let (commandEnd, sessionEnd) = try Socket.pair()
        defer { close(commandEnd) }
        let errorPipe: (read: Int32, write: Int32)
        do {
            errorPipe = try Socket.pair()
        } catch {
            close(sessionEnd)
            throw error
        }
        let shell = ProcessInfo.processInfo.environment["SHELL"].flatMap { $0.isEmpty ? nil : $0 } ?? "/bin/sh"
        let pid: pid_t
        do {
            pid = try ChildSpawn.spawn(shell, ["-c", "exec " + command],
                                       ChildSpawn.Options(stdin: commandEnd, stdout: commandEnd, stderr: errorPipe.write, processGroup: true))
        } catch {
            close(errorPipe.read)
            close(errorPipe.write)
            close(sessionEnd)
            throw .protocolError("cannot start the ProxyCommand for \(label) with \(shell): \(error.reason)")
        }
        // The child has its copies; the engine keeps only its own ends.
        close(errorPipe.write)
        let process = ProxyCommandProcess(pid: pid, label: label)
        // Two threads: something the command started may hold its stderr
        // open after it exits, and it must be reaped all the same.
        let stderrEnd = errorPipe.read
        ThreadSignals.startThread(named: "sluice-proxycommand-stderr") { process.collect(stderr: stderrEnd) }
        ThreadSignals.startThread(named: "sluice-proxycommand") { process.reap() }
        return (process, sessionEnd)
    }

    /// Keeps the last lines the command (or what it started) writes to stderr.
    private func collect(stderr fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            lock.lock()
            stderrTail = String((stderrTail + String(decoding: buffer[..<count], as: UTF8.self)).suffix(2048))
            lock.unlock()
        }
        close(fd)
        exited.lock()
        stderrClosed = true
        exited.broadcast()
        exited.unlock()
    }

    /// Reaps the command as soon as it exits; its exit counts once its last
    /// words are read (or half a second later, if something it started
    /// keeps its stderr open).
    private func reap() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let lastWordsBy = Date().addingTimeInterval(0.5)
        exited.lock()
        while !stderrClosed && exited.wait(until: lastWordsBy) {}
        exitStatus = status
        exited.broadcast()
        exited.unlock()
    }

    /// What the command said last on stderr, one line, safe to show.
    var lastWords: String? {
        lock.lock()
        defer { lock.unlock() }
        let lines = stderrTail.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.last.map { TerminalText.sanitized($0, limit: 300) }
    }

    var failure: String? {
        exited.lock()
        let status = exitStatus
        exited.unlock()
        guard let status else { return nil }
        let how = status & 0x7F == 0 ? "exited with status \((status >> 8) & 0xFF)" : "was killed by signal \(status & 0x7F)"
        return "the ProxyCommand for \(label) (from your ssh config) \(how)" + (lastWords.map { ": \($0)" } ?? "")
    }

    /// A command that failed says why on stderr as it exits: waits up to
    /// `timeout` for that.
    func settle(within timeout: TimeInterval) {
        waitForExit(timeout: timeout)
    }

    private func waitForExit(timeout: TimeInterval) {
        let deadline = Date().addingTimeInterval(timeout)
        exited.lock()
        while exitStatus == nil && exited.wait(until: deadline) {}
        exited.unlock()
    }

    func stop() {
        exited.lock()
        let running = exitStatus == nil
        exited.unlock()
        // Its process group is its pid, which no other process can take
        // while the command is not reaped.
        if running { kill(-pid, SIGHUP) }
        waitForExit(timeout: 2)
        exited.lock()
        let stillRunning = exitStatus == nil
        exited.unlock()
        if stillRunning {
            kill(-pid, SIGKILL)
            waitForExit(timeout: 5)
        }
    }
}
