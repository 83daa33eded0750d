import Foundation

/// Runs a program to completion and keeps what it printed. Output goes
/// through files rather than pipes, so a chatty program cannot block on a
/// full pipe while the test waits for it.
public struct Command: Sendable {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]?
    public var input: String?
    public var timeout: TimeInterval

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: String? = nil, timeout: TimeInterval = 60) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.input = input
        self.timeout = timeout
    }

    public func run() throws -> Result {
        let scratch = try TemporaryDirectory(prefix: "sluice-command")
        let outPath = scratch.file("stdout"), errPath = scratch.file("stderr"), inPath = scratch.file("stdin")
        try Data((input ?? "").utf8).write(to: URL(fileURLWithPath: inPath))
        let child = try ChildProcess(executable, arguments, environment: environment, stdin: inPath, stdout: outPath, stderr: errPath)
        guard let status = child.wait(timeout: timeout) else {
            child.signal(SIGKILL)
            child.wait()
            throw TestSupportError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
        }
        return Result(
            status: status,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        )
    }
}
