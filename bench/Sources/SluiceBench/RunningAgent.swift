import Foundation
import SluiceTestSupport

/// `sluice agent` started by the benchmark, on a port the system picks
/// (read back from its "listening on" line), serving one project whose
/// one service is this machine's loopback, so a forward to any of the
/// benchmark's service ports reaches it. Stopped by pid.
final class RunningAgent {
    static let project = "bench"
    static let service = "loopback"

    let port: Int
    /// ws or wss.
    let scheme: String
    private let process: ChildProcess
    private let folder: TemporaryDirectory

    /// Serves wss:// with `certificate`, ws:// without one. No token: the
    /// agent listens on loopback only, where it allows that.
    init(sluicePath: String, environment: [String: String], certificate: ThrowawayCertificate? = nil) throws {
        folder = try TemporaryDirectory(prefix: "sluice-bench-agent")
        let services = try folder.write("services.json", """
            {"projects": {"\(Self.project)": {"phase": "Running", "services": {"\(Self.service)": {"address": "127.0.0.1"}}}}}
            """)
        scheme = certificate == nil ? "ws" : "wss"
        let tls = certificate.map { ["--tls-cert", $0.certificatePath, "--tls-key", $0.keyPath] } ?? []
        process = try ChildProcess(sluicePath, ["agent", "--listen", "127.0.0.1:0", "--services", services, "--drain", "1"] + tls,
                                   environment: environment.merging(["HOME": folder.path]) { $1 },
                                   stdout: folder.file("stdout"), stderr: folder.file("stderr"))
        let started = folder.waitUntil("stderr", contains: "listening on ", timeout: 30)
        let said = (try? folder.read("stderr")) ?? ""
        guard started else {
            Self.stop(process)
            throw BenchError("sluice agent did not start within 30 s. It said:\n\(said)")
        }
        let line = said.split(separator: "\n").first { $0.contains("listening on ") } ?? ""
        let address = line.split(separator: " ").drop { $0 != "on" }.dropFirst().first ?? ""
        guard let port = address.split(separator: ":").last.flatMap({ Int($0) }) else {
            Self.stop(process)
            throw BenchError("no port in the agent's line: \(line)")
        }
        self.port = port
    }

    deinit {
        Self.stop(process)
    }

    /// What `sluice port-forward --node` takes to reach this agent.
    var node: String { "\(scheme)://127.0.0.1:\(port)" }

    var usage: ProcessUsage { ProcessUsage(pid: process.pid) }

    var log: String { (try? folder.read("stderr")) ?? "" }

    private static func stop(_ process: ChildProcess) {
        process.terminate()
    }
}
