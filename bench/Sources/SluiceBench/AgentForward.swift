import Foundation
import SluiceTestSupport

/// `sluice port-forward` started by the benchmark: a local port that leads
/// through a `RunningAgent` to one of the benchmark's services. Stopped by
/// pid.
final class AgentForward {
    /// Where a client connects to reach the service through the agent.
    let localPort: Int
    private let process: ChildProcess
    private let folder: TemporaryDirectory

    /// `pool`: WebSockets kept open ahead of connections (--pool); nil
    /// leaves the client's default, which is what a user gets.
    init(to remotePort: Int, through agent: RunningAgent, caFile: String? = nil, pool: Int? = nil, sluicePath: String, environment: [String: String]) throws {
        folder = try TemporaryDirectory(prefix: "sluice-bench-port-forward")
        localPort = try LoopbackPort.free()
        let route = "\(RunningAgent.project)/\(RunningAgent.service)"
        let options = (caFile.map { ["--ca-file", $0] } ?? []) + (pool.map { ["--pool", String($0)] } ?? [])
        process = try ChildProcess(sluicePath, ["port-forward", route, "\(localPort):\(remotePort)", "--node", agent.node, "--drain", "1"] + options,
                                   environment: environment.merging(["HOME": folder.path]) { $1 },
                                   stdout: folder.file("stdout"), stderr: folder.file("stderr"))
        // The line comes once the listener is bound; connecting to check
        // would itself open a stream through the agent.
        guard folder.waitUntil("stderr", contains: "Forwarding 127.0.0.1:\(localPort) -> \(route):\(remotePort)\n", timeout: 30) else {
            stop()
            throw BenchError("sluice port-forward to \(agent.node) did not start within 30 s. It said:\n\(log)")
        }
    }

    deinit {
        stop()
    }

    var usage: ProcessUsage { ProcessUsage(pid: process.pid) }

    var log: String { (try? folder.read("stderr")) ?? "" }

    func stop() {
        process.terminate()
    }
}
