import Foundation

/// The Python scripts under Tests/Scripts and the interpreter that runs
/// them: the first `python3` on PATH that has the `websockets` library
/// (PyPI; scripts/install-deps installs it), else Debian's.
public enum PythonScript {
    public static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts").appendingPathComponent(name).path
    }

    public static let python: String = {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let candidates = folders.map { $0 + "/python3" }.filter { FileManager.default.isExecutableFile(atPath: $0) } + ["/usr/bin/python3"]
        for candidate in candidates {
            let probe = try? Command(candidate, ["-c", "import websockets.asyncio.server"], timeout: 30).run()
            if probe?.status == 0 { return candidate }
        }
        return "/usr/bin/python3"
    }()

    /// Starts `script` with `arguments` (the port file is the first) and
    /// waits for the port it writes once it listens.
    static func start(_ script: String, arguments: [String], in directory: TemporaryDirectory, what: String) throws -> (ChildProcess, Int) {
        let portFile = directory.file("port")
        let process = try ChildProcess(python, [path(script), portFile] + arguments, stderr: directory.file("stderr.log"))
        ServerRecord.note(pid: process.pid, marker: directory.path)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline {
            if let port = (try? directory.read("port")).flatMap({ Int($0) }) { return (process, port) }
            usleep(20_000)
        }
        process.signal(SIGKILL)
        process.wait()
        let log = (try? directory.read("stderr.log")) ?? ""
        throw TestSupportError("\(what) did not start (is the Python websockets library installed? make test installs it):\n\(log)")
    }
}
