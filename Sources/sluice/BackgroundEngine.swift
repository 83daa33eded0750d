import Foundation
import SluiceCore
import SluiceService
import SluiceSSH

/// Starts the engine for a store in the background, as `sluice start` and
/// the screen do: this same program, `up --detached`, in a session of its
/// own (setsid: no terminal, so closing this one does not end it), stdin
/// from /dev/null, stdout and stderr appended to its log.
enum BackgroundEngine {
    /// The log is moved aside to `engine.log.1` when it passes this size,
    /// at each start.
    static let logLimit = 1 << 20

    /// Starts one and waits until it answers on its socket; returns a
    /// client connected to it. If one already runs, connects to that one.
    static func start(paths: ControlPaths, link: LinkOptions, client: String, answersPrompts: Bool) throws -> (client: ControlClient, started: Bool) {
        if let running = try? ControlClient(paths: paths, client: client, answersPrompts: answersPrompts) {
            return (running, false)
        }
        let log = try openLog(paths.log)
        defer { close(log) }
        let executable = try currentExecutable()
        let arguments = ["up", "--detached", "--store", paths.store] + link.arguments
        let pid = try spawn(executable, arguments, log: log)
        let exited = ExitWatch(pid: pid)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            // Another start may have won the race for the lock: then its
            // engine answers, and this one was not started by us.
            if let started = try connect(paths: paths, client: client, answersPrompts: answersPrompts) { return (started, started.engine.pid == pid) }
            if exited.hasExited {
                // Another start won the race for the lock: use its engine.
                if let running = try? ControlClient(paths: paths, client: client, answersPrompts: answersPrompts) { return (running, false) }
                throw ExitStatus.Failure(message: "the engine stopped as it started: \(lastLine(of: paths.log) ?? "see \(paths.log)")", code: ExitStatus.failure)
            }
            usleep(20_000)
        }
        throw ExitStatus.Failure(message: "the engine (pid \(pid)) did not answer within 10 s; its log: \(paths.log)", code: ExitStatus.failure)
    }

    /// A client of the engine, or nil while none listens yet.
    private static func connect(paths: ControlPaths, client: String, answersPrompts: Bool) throws(ControlError) -> ControlClient? {
        do {
            return try ControlClient(paths: paths, client: client, answersPrompts: answersPrompts)
        } catch {
            if case .notRunning = error { return nil }
            throw error
        }
    }

    private static func openLog(_ path: String) throws -> Int32 {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var info = stat()
        if stat(path, &info) == 0 && Int(info.st_size) > logLimit { rename(path, path + ".1") }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw ExitStatus.Failure(message: "cannot open the engine's log \(TerminalText.path(path)): \(String(cString: strerror(errno)))", code: ExitStatus.failure)
        }
        return fd
    }

    private static func currentExecutable() throws -> String {
        // Replaced since it started (an upgrade): the new one at that path.
        guard let own = OwnExecutable.find() else {
            throw ExitStatus.Failure(message: "cannot find this program's own path to start the engine (/proc/self/exe)", code: ExitStatus.failure)
        }
        return own.path
    }

    /// In a session of its own, stdin from /dev/null, stdout and stderr to
    /// its log, and not in the caller's folder: the engine must not keep a
    /// mount busy (every path it is given is absolute).
    private static func spawn(_ executable: String, _ arguments: [String], log: Int32) throws -> pid_t {
        do throws(SystemError) {
            return try ChildSpawn.spawn(executable, arguments,
                                        ChildSpawn.Options(stdin: nil, stdout: log, stderr: log, session: true, directory: "/"))
        } catch {
            throw ExitStatus.Failure(message: "cannot start the engine: \(error.reason)", code: ExitStatus.failure)
        }
    }

    /// The last line of the log, for a start that failed at once.
    static func lastLine(of path: String) -> String? {
        guard let text = try? TextFile.readText(path, limit: 4 << 20) else { return nil }
        return text.split(separator: "\n").last.map(String.init)
    }
}
