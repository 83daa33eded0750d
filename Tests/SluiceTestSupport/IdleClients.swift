import Foundation

/// Many TCP clients of one loopback port that connect and then send
/// nothing: a crowd that holds connections open (Tests/Scripts/idle_crowd.py).
/// Connects do not wait, so clients beyond the listener's queue keep
/// retrying in the kernel. Each is reset (not closed politely) when the
/// crowd leaves, so no port stays in TIME_WAIT afterwards.
///
/// The crowd runs in a process of its own: tens of thousands of clients
/// held by the test process itself would leave too few descriptors under
/// its limit for the tests running beside it, whose files, pipes and
/// child processes then fail to open.
public final class IdleClients: @unchecked Sendable {
    public let port: Int
    public let count: Int
    private let folder: TemporaryDirectory
    private let process: ChildProcess
    private var questions = 0

    /// Opens `count` clients; throws if the crowd's process cannot.
    public init(port: Int, count: Int) throws {
        self.port = port
        folder = try TemporaryDirectory(prefix: "sluice-crowd")
        process = try ChildProcess(PythonScript.python, [PythonScript.path("idle_crowd.py"), folder.path, String(port), String(count)],
                                   stderr: folder.file("stderr.log"))
        ServerRecord.note(pid: process.pid, marker: folder.path)
        let answer = try Self.waitForAnswer(in: folder, "opened", process: process, timeout: 120)
        guard let opened = Int(answer) else {
            process.terminate()
            throw TestSupportError("the crowd of \(count) clients of port \(port): \(answer)")
        }
        self.count = opened
    }

    deinit {
        leave()
    }

    /// How many clients the other side has closed (they read end-of-file or
    /// a reset), checked without waiting.
    public var closedByPeer: Int {
        questions += 1
        process.signal(SIGUSR1)
        let prefix = "\(questions) "
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && process.isRunning {
            if let answer = try? folder.read("closed"), answer.hasPrefix(prefix), let closed = Int(answer.dropFirst(prefix.count)) {
                return closed
            }
            usleep(10_000)
        }
        return 0
    }

    /// Resets every client at once; returns once they are all gone.
    public func leave() {
        process.terminate(grace: 30)
    }

    private static func waitForAnswer(in folder: TemporaryDirectory, _ name: String, process: ChildProcess, timeout: TimeInterval) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let answer = try? folder.read(name) { return answer }
            guard process.isRunning else { break }
            usleep(10_000)
        }
        process.terminate()
        let log = (try? folder.read("stderr.log")) ?? ""
        throw TestSupportError("the crowd's process gave no answer (\(name)):\n\(log)")
    }
}
