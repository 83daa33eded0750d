import Foundation

/// A Sluice agent written by no one here: Tests/Scripts/agent_stand_in.py,
/// on the Python `websockets` library, relaying to loopback services. It
/// logs each upgrade request it sees, so tests can check what Sluice sent.
public final class StandInAgent: @unchecked Sendable {
    public struct Options: Sendable {
        /// `project/service`, each relayed to 127.0.0.1.
        public var services: [String] = ["my-app/db"]
        /// `project=Phase` for projects that are not Running.
        public var phases: [String] = []
        public var token: String?
        /// Does not take `sluice.v1`: the client's EOF must become a close.
        public var halfClose = true
        /// Answers 503 to every request, as an agent at its limit.
        public var full = false
        /// 0: the kernel picks.
        public var port = 0
        /// wss:// with this certificate and key (PEM files).
        public var tls: (certificate: String, key: String)?

        public init() {}
    }

    public let port: Int
    private let directory: TemporaryDirectory
    private let process: ChildProcess

    public init(_ options: Options = Options()) throws {
        directory = try TemporaryDirectory(prefix: "sluice-agent")
        var arguments = [directory.file("requests.log"), "--port", String(options.port)]
        for service in options.services { arguments += ["--service", service] }
        for phase in options.phases { arguments += ["--phase", phase] }
        if let token = options.token { arguments += ["--token", token] }
        if !options.halfClose { arguments.append("--no-half-close") }
        if options.full { arguments.append("--full") }
        if let tls = options.tls { arguments += ["--tls-cert", tls.certificate, "--tls-key", tls.key] }
        (process, port) = try PythonScript.start("agent_stand_in.py", arguments: arguments, in: directory, what: "the stand-in agent")
    }

    deinit {
        process.terminate()
    }

    /// Each upgrade request seen, oldest first: its path, the
    /// Sec-WebSocket-Protocol and Authorization headers (nil when absent).
    public var requests: [(path: String, subprotocols: String?, authorization: String?)] {
        Self.lines(of: directory.file("requests.log")).compactMap { record in
            guard let path = record["path"] as? String else { return nil }
            return (path, record["subprotocols"] as? String, record["authorization"] as? String)
        }
    }

    public var log: String { (try? directory.read("stderr.log")) ?? "" }

    static func lines(of file: String) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}
