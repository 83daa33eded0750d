import Foundation

/// A real terminal for screen tests: a program run in a private tmux
/// server (its own socket, no user config), driven by keys and read back
/// as text.
public final class TmuxSession: @unchecked Sendable {
    private let socket: String
    private let logs: TemporaryDirectory
    /// Written when the program ends: its exit status.
    private var statusFile: String { logs.file("exit-status") }

    public init(_ executable: String, _ arguments: [String], environment: [String: String], width: Int = 100, height: Int = 30) throws {
        logs = try TemporaryDirectory()
        socket = "sluice-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // tmux starts the program from its server, not from this process.
        let assignments = InheritedEnvironment.adding(to: environment).map { "\($0.key)=\($0.value)" }
        let command = (["env", "-i"] + assignments + [executable] + arguments).map(Self.quoted).joined(separator: " ")
        let script = "\(command) 2>\(Self.quoted(logs.file("stderr"))); echo $? > \(Self.quoted(statusFile))"
        let result = try tmux(["new-session", "-d", "-s", "main", "-x", String(width), "-y", String(height), script])
        guard result.status == 0 else { throw TmuxError(message: "tmux new-session failed: \(result.stderr)") }
        // The tmux server runs with the command line of the client that
        // started it, socket name included.
        let server = try tmux(["display-message", "-p", "#{pid}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if let pid = pid_t(server) { ServerRecord.note(pid: pid, marker: socket) }
    }

    deinit {
        _ = try? tmux(["kill-server"])
    }

    /// Presses keys by tmux name: "Tab", "Enter", "Space", "Escape", "a".
    public func press(_ keys: String...) throws {
        _ = try tmux(["send-keys", "-t", "main"] + keys)
    }

    /// Types text literally.
    public func type(_ text: String) throws {
        _ = try tmux(["send-keys", "-t", "main", "-l", text])
    }

    /// Sends bytes to the program as a terminal would (a mouse report,
    /// an escape sequence), none of them read as tmux key names.
    public func send(bytes: [UInt8]) throws {
        _ = try tmux(["send-keys", "-t", "main", "-H"] + bytes.map { String(format: "%02x", $0) })
    }

    /// Pastes `text` as a terminal does: in bracketed-paste markers when
    /// the program asked for them.
    public func paste(_ text: String) throws {
        _ = try tmux(["set-buffer", "-b", "test", "--", text])
        _ = try tmux(["paste-buffer", "-p", "-d", "-b", "test", "-t", "main"])
    }

    /// From now on, everything the program writes to the terminal is
    /// copied, raw (escape sequences included), to `outputFile`.
    public func captureOutput() throws {
        _ = try tmux(["pipe-pane", "-O", "-t", "main", "cat >> \(Self.quoted(outputFile))"])
    }

    /// What `captureOutput` has collected so far.
    public var capturedOutput: Data { (try? Data(contentsOf: URL(fileURLWithPath: outputFile))) ?? Data() }

    private var outputFile: String { logs.file("output") }

    /// Resizes the terminal, as a user dragging the window would.
    public func resize(width: Int, height: Int) throws {
        _ = try tmux(["resize-window", "-t", "main", "-x", String(width), "-y", String(height)])
    }

    /// The processes running in the terminal (the program and its children).
    public var processes: [pid_t] {
        guard let text = try? tmux(["list-panes", "-t", "main", "-F", "#{pane_pid}"]).stdout,
              let shell = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return [] }
        return ProcessTree.descendants(of: shell)
    }

    /// The screen as text, one string per row.
    public func screen() -> String {
        (try? tmux(["capture-pane", "-t", "main", "-p"]).stdout) ?? ""
    }

    /// Waits until `condition` holds for the screen; returns the last screen
    /// seen either way, so a failing test can show it.
    @discardableResult
    public func waitForScreen(timeout: TimeInterval = 20, _ condition: (String) -> Bool) -> (matched: Bool, screen: String) {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen()
            if condition(last) { return (true, last) }
            usleep(50_000)
        }
        return (false, last)
    }

    public func waitFor(_ text: String, timeout: TimeInterval = 20) -> (matched: Bool, screen: String) {
        waitForScreen(timeout: timeout) { $0.contains(text) }
    }

    /// The program's exit status once it has ended, waiting up to `timeout`.
    public func exitStatus(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? logs.read("exit-status"), let status = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return status
            }
            usleep(50_000)
        }
        return nil
    }

    public var stderr: String { (try? logs.read("stderr")) ?? "" }

    private func tmux(_ arguments: [String]) throws -> Command.Result {
        try Command("/usr/bin/tmux", ["-L", socket, "-f", "/dev/null"] + arguments, timeout: 10).run()
    }

    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

public struct TmuxError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
