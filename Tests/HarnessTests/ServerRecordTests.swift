import Foundation
import SluiceTestSupport
import Testing

/// What `make test` does after the tests about servers a crashed test left
/// running: scripts/stop-servers stops the recorded ones that still run as
/// recorded, with their children, and touches nothing else.
@Suite struct ServerRecordTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/stop-servers").path

    /// A stand-in server: a shell whose command line names `folder`, with a
    /// child of its own, as sshd has one per connection.
    private func standIn(naming folder: String) throws -> (process: ChildProcess, children: [pid_t]) {
        let process = try ChildProcess("/bin/sh", ["-c", "sleep 600 & wait", "stand-in", folder])
        var children: [pid_t] = []
        let deadline = Date().addingTimeInterval(10)
        while children.isEmpty && Date() < deadline {
            usleep(10_000)
            children = ProcessTree.descendants(of: process.pid)
        }
        return (process, children)
    }

    private func waitUntilGone(_ pids: [pid_t]) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while pids.contains(where: ProcessTree.isAlive) && Date() < deadline { usleep(10_000) }
        return !pids.contains(where: ProcessTree.isAlive)
    }

    @Test func stopsOnlyRecordedServersStillRunningAsRecordedWithTheirChildren() throws {
        let folder = try TemporaryDirectory(prefix: "sluice-record")
        let elsewhere = try TemporaryDirectory(prefix: "sluice-record")
        let record = folder.file("servers")
        let recorded = try standIn(naming: folder.path)
        // Its pid is recorded, but it runs something else: as when a pid is reused.
        let reused = try standIn(naming: elsewhere.path)
        let unrecorded = try standIn(naming: folder.path)
        defer {
            for pid in reused.children + unrecorded.children { kill(pid, SIGKILL) }
        }
        #expect(!recorded.children.isEmpty && !reused.children.isEmpty && !unrecorded.children.isEmpty)
        let exited = try ChildProcess("/bin/true", [])
        exited.wait()
        ServerRecord.note(pid: recorded.process.pid, marker: folder.path, in: record)
        ServerRecord.note(pid: reused.process.pid, marker: folder.path, in: record)
        ServerRecord.note(pid: exited.pid, marker: folder.path, in: record)

        let result = try Command("/bin/bash", [Self.script, record]).run()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(recorded.process.wait(timeout: 10) == 128 + SIGKILL)
        #expect(waitUntilGone(recorded.children), "a child of the recorded server outlived it")
        #expect(reused.process.isRunning && unrecorded.process.isRunning)
        #expect((reused.children + unrecorded.children).allSatisfy(ProcessTree.isAlive))
    }

    @Test(.enabled(if: ServerRecord.path != nil, "only a run with a record file (make test) records"))
    func theHarnessRecordsEachServerItStarts() throws {
        let server = try SSHServer()
        let lines = try String(contentsOfFile: try #require(ServerRecord.path), encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.contains("\(try #require(server.pid)) \(server.directory.path)"))
    }
}
