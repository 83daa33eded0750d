import Foundation

/// A control plane for resolution tests: Tests/Scripts/fake_control_plane.py,
/// Python's http.server answering the project and node GETs from argv and
/// logging every request.
public final class FakeControlPlane: @unchecked Sendable {
    public let port: Int
    private let directory: TemporaryDirectory
    private let process: ChildProcess

    /// `projects`: `NAME=PHASE[:NODE]`; `nodes`: `NAME=IP[:AGENT_PORT]`.
    public init(projects: [String], nodes: [String], token: String? = nil) throws {
        directory = try TemporaryDirectory(prefix: "sluice-control-plane")
        var arguments = [directory.file("requests.log")]
        for project in projects { arguments += ["--project", project] }
        for node in nodes { arguments += ["--node", node] }
        if let token { arguments += ["--token", token] }
        arguments += ["--overrides", directory.file("overrides")]
        (process, port) = try PythonScript.start("fake_control_plane.py", arguments: arguments, in: directory, what: "the fake control plane")
    }

    deinit {
        process.terminate()
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// From the next request on, answers with these entries instead (same
    /// forms as `init`'s): a project moved to another node.
    public func override(projects: [String] = [], nodes: [String] = []) throws {
        let lines = projects.map { "project \($0)" } + nodes.map { "node \($0)" }
        let temporary = directory.file("overrides.new")
        try (lines.joined(separator: "\n") + "\n").write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, directory.file("overrides")) == 0 else { throw TestSupportError("cannot write the overrides") }
    }

    /// Each request seen, oldest first: its path and Authorization header.
    public var requests: [(path: String, authorization: String?)] {
        StandInAgent.lines(of: directory.file("requests.log")).compactMap { record in
            guard let path = record["path"] as? String else { return nil }
            return (path, record["authorization"] as? String)
        }
    }
}
