import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// `sluice forward` asking its questions on a real pseudo-terminal, with
/// every byte it writes there read back.
@Suite struct TerminalPromptTests {
    /// A hostile server's keyboard-interactive name, instruction and question
    /// carry escape sequences (retitle the window, clear the screen, colour);
    /// the terminal gets them as visible text, and no ESC at all.
    @Test func serverTextReachesTheTerminalWithoutItsEscapeSequences() throws {
        let server = try KeyboardInteractiveServer(name: "\u{1B}]2;PWNED\u{07}Login", instruction: "Hello.\n\u{1B}[2JYour code, please.",
                                                   question: "\u{1B}[31mCode: ")
        let home = try ClientHome(trusting: nil)
        try home.directory.write(".ssh/known_hosts", server.knownHostsLine + "\n")
        let terminal = try PseudoTerminal()
        let port = try LoopbackPort.free()
        let sluice = try terminal.start(SluiceBinary.path, ["forward", "\(CurrentUser.name)@127.0.0.1:\(server.port)", "-L", "\(port):127.0.0.1:9"],
                                        environment: home.environment)
        #expect(terminal.waitFor("Code: "), "\(terminal.text.debugDescription)\n\(server.log)")
        terminal.type("123456\n")
        // The server refuses every answer, so sluice gives up and says so last.
        #expect(terminal.waitFor("nothing could come up"), "\(terminal.text.debugDescription)")
        #expect(sluice.wait(timeout: 20) == 1)
        #expect(server.answers == ["123456"])

        let shown = terminal.text
        #expect(!terminal.output.contains(0x1B), "\(shown.debugDescription)")
        #expect(shown.contains("^[]2;PWNED^GLogin"), "\(shown.debugDescription)")
        #expect(shown.contains("Hello.\r\n^[[2JYour code, please."), "\(shown.debugDescription)")
        #expect(shown.contains("^[[31mCode: "), "\(shown.debugDescription)")
    }

    /// What was typed before the question appeared is thrown away, a letter
    /// is not an answer, and `yes` trusts and saves the key.
    @Test func aHostKeyIsTrustedOnlyByAWordTypedAfterTheQuestion() throws {
        let sshd = try SSHServer()
        let home = try ClientHome(trusting: sshd, knowsHost: false)
        let terminal = try PseudoTerminal()
        terminal.type("yes\n")
        let port = try LoopbackPort.free()
        let sluice = try terminal.start(SluiceBinary.path, ["forward", "\(CurrentUser.name)@127.0.0.1:\(sshd.port)", "-L", "\(port):127.0.0.1:9"],
                                        environment: home.environment)
        #expect(terminal.waitFor("Trust it? Type yes"), "\(terminal.text.debugDescription)")
        #expect(terminal.text.contains(sshd.hostKeyFingerprint), "\(terminal.text.debugDescription)")
        terminal.type("y\n")
        #expect(terminal.waitFor("Please type yes, once or no"), "\(terminal.text.debugDescription)")
        #expect(try String(contentsOfFile: home.knownHostsPath, encoding: .utf8) == "")
        terminal.type("yes\n")
        #expect(terminal.waitFor("Forwarding 127.0.0.1:\(port)"), "\(terminal.text.debugDescription)")
        #expect(try String(contentsOfFile: home.knownHostsPath, encoding: .utf8).contains("[127.0.0.1]:\(sshd.port)"))

        sluice.signal(SIGINT)
        #expect(terminal.waitFor("Stopped."), "\(terminal.text.debugDescription)")
        #expect(sluice.wait(timeout: 20) == 0)
        #expect(!terminal.output.contains(0x1B), "\(terminal.text.debugDescription)")
    }

    /// The foreground engine (`sluice up`) with no screen attached asks on
    /// the terminal it runs on, and serves the saved forward once answered.
    @Test func upAsksOnItsTerminal() throws {
        let sshd = try SSHServer()
        let home = try ClientHome(trusting: sshd, knowsHost: false)
        let port = try LoopbackPort.free()
        let store = home.directory.file("store.json")
        try Store(path: store).update { document in
            try document.addServer(Server(name: "lab", destination: try Destination(parsing: "\(CurrentUser.name)@127.0.0.1:\(sshd.port)"),
                                          identityFile: home.identityPath))
            try document.addForward(try ForwardSpec(parsing: "\(port):127.0.0.1:9", kind: .local), to: "lab")
        }
        let terminal = try PseudoTerminal()
        let sluice = try terminal.start(SluiceBinary.path, ["up", "--store", store], environment: home.environment)
        #expect(terminal.waitFor("Trust it? Type yes"), "\(terminal.text.debugDescription)")
        terminal.type("yes\n")
        #expect(terminal.waitFor("Forwarding 127.0.0.1:\(port)"), "\(terminal.text.debugDescription)")
        sluice.signal(SIGINT)
        #expect(terminal.waitFor("Stopped."), "\(terminal.text.debugDescription)")
        #expect(sluice.wait(timeout: 20) == 0)
    }
}
