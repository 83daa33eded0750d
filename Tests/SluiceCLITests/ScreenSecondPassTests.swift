import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// The screen's second pass in the real binary, in tmux, against the
/// harness' real sshd: a link's state after `c`, the mouse, bracketed
/// paste and the clipboard.
@Suite struct ScreenSecondPassTests {
    let harness: ScreenHarness
    var sshd: SSHServer { harness.sshd }

    init() throws {
        harness = try ScreenHarness()
    }

    private func open(home: ClientHome, store: String) throws -> TmuxSession { try harness.open(home: home, store: store) }

    /// The screen on a store whose forward (to the web page, or to
    /// `targetPort`) is listening, with the engine it started; the home
    /// (with the store in it) lasts as long as the caller keeps it.
    private func openOnAListeningForward(targetPort: Int? = nil)
        throws -> (home: ClientHome, screen: TmuxSession, store: String, port: Int, engine: TestEngine) {
        let home = try ClientHome(trusting: sshd)
        let (store, port) = try harness.saveLabForward(in: home, targetPort: targetPort)
        let engine = TestEngine(store: store, environment: home.environment)
        let screen = try open(home: home, store: store)
        let seen = screen.waitForScreen { row(of: port, in: $0)?.text.contains("listening") == true }
        #expect(seen.matched, "\(seen.screen)\n\(screen.stderr)")
        return (home, screen, store, port, engine)
    }

    private func lines(_ screen: String) -> [String] { screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// The forward's row (its name is `L<port>`) and its index on screen.
    private func row(of port: Int, in screen: String) -> (index: Int, text: String)? {
        lines(screen).enumerated().first { $0.element.contains(" L\(port) ") }.map { ($0.offset, $0.element) }
    }

    /// The server list's line for "lab".
    private func serverLine(_ screen: String) -> String {
        lines(screen).first { $0.contains(" lab ") && !$0.contains("Forwards") } ?? ""
    }

    @Test func aServerSwitchedOffWhileReconnectingSaysOffAndStaysOff() throws {
        let closed = try ClosedPort()
        let home = try ClientHome(trusting: sshd)
        let (store, _) = try harness.saveLabForward(in: home, destination: "\(CurrentUser.name)@127.0.0.1:\(closed.port)")
        let engine = TestEngine(store: store, environment: home.environment)
        defer { engine.stop() }
        let screen = try open(home: home, store: store)
        var seen = screen.waitForScreen { serverLine($0).contains("reconnecting (attempt 2") }
        #expect(seen.matched, "\(seen.screen)\n\(screen.stderr)")
        try screen.press("c")
        seen = screen.waitForScreen(timeout: 1) { serverLine($0).contains("off ·") }
        #expect(seen.matched, "the link still says what the engine no longer does: \(seen.screen)")
        // And stays so: no attempt follows.
        Thread.sleep(forTimeInterval: 3)
        let later = screen.screen()
        #expect(serverLine(later).contains("off ·") && !later.contains("reconnecting"), "\(later)")
        try screen.press("q")
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")
    }

    @Test func aClickOnTheSwitchTurnsTheForwardOff() throws {
        let (home, screen, store, port, engine) = try openOnAListeningForward()
        defer { engine.stop(); withExtendedLifetime(home) {} }
        let y = try #require(row(of: port, in: screen.screen())?.index)
        // An SGR mouse report (xterm's 1006 mode, 1-based): the left button
        // down and up on the ON cell, column 4.
        try screen.send(bytes: Array("\u{1B}[<0;4;\(y + 1)M\u{1B}[<0;4;\(y + 1)m".utf8))
        let seen = screen.waitForScreen { row(of: port, in: $0)?.text.split(separator: " ").filter { $0 == "off" }.count == 2 }
        #expect(seen.matched, "\(seen.screen)")
        #expect(screen.waitForScreen { _ in LoopbackPort.isFree(port) }.matched)
        #expect(try Store(path: store).load().servers[0].forwards[0].enabled == false)
        try screen.press("q")
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")
    }

    @Test func aPasteLandsWholeInTheFieldAndRunsNoKeys() throws {
        let home = try ClientHome(trusting: sshd)
        let store = home.directory.file("store.json")
        let screen = try open(home: home, store: store)
        #expect(screen.waitFor("No servers yet").matched)
        try screen.press("A")
        #expect(screen.waitFor("New server").matched)
        // "q" would quit and Enter would save, were they read as keys.
        try screen.paste("quay\n")
        try screen.press("Tab")
        try screen.paste("deploy@[::1]:2222")
        var seen = screen.waitFor("> Destination    deploy@[::1]:2222")
        #expect(seen.matched, "\(seen.screen)")
        #expect(seen.screen.contains("Name           quay "), "\(seen.screen)")
        #expect(!seen.screen.contains("Keep it running"), "\(seen.screen)")
        // The cursor moves: fix the user in the middle.
        // Ctrl+A, not Home: tmux sends Home as its own terminal type does.
        try screen.press("C-a", "Right", "Right", "Right", "Right", "Right", "Right")
        try screen.press("BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
        try screen.type("me")
        seen = screen.waitFor("> Destination    me@[::1]:2222")
        #expect(seen.matched, "\(seen.screen)")
        try screen.press("Enter")
        seen = screen.waitFor("Saved server quay")
        #expect(seen.matched, "\(seen.screen)")
        #expect(try Store(path: store).load().servers.first?.address.description == "me@[::1]:2222")
        try screen.press("q")
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")
    }

    @Test func yPutsTheAddressOnTheClipboardWithOSC52() throws {
        let (home, screen, _, port, engine) = try openOnAListeningForward()
        defer { engine.stop(); withExtendedLifetime(home) {} }
        try screen.captureOutput()
        try screen.press("l", "y")
        let seen = screen.waitFor("Copied 127.0.0.1:\(port) to the clipboard")
        #expect(seen.matched, "\(seen.screen)")
        let expected = Data("\u{1B}]52;c;\(Data("127.0.0.1:\(port)".utf8).base64EncodedString())\u{07}".utf8)
        let deadline = Date().addingTimeInterval(10)
        while screen.capturedOutput.range(of: expected) == nil && Date() < deadline { usleep(50_000) }
        #expect(screen.capturedOutput.range(of: expected) != nil, "\(String(decoding: screen.capturedOutput, as: UTF8.self).debugDescription)")
        try screen.press("q")
        #expect(screen.waitFor("Keep it running in the background?").matched)
        try screen.press("s")
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")
    }

    /// Enter on a forward lists a held-open curl connection with its
    /// bytes; x closes it, and curl sees the close.
    @Test func theConnectionsViewListsAHeldConnectionAndXClosesIt() throws {
        let target = try TargetListener()
        let (home, screen, _, port, engine) = try openOnAListeningForward(targetPort: target.port)
        defer { engine.stop(); withExtendedLifetime(home) {} }

        // curl asks, the target answers the headers and 1,000 of 100,000
        // bytes, and holds the rest: curl waits on an open connection.
        let logs = try TemporaryDirectory()
        let curl = try ChildProcess("/usr/bin/curl", ["-sS", "--max-time", "60", "-o", "/dev/null", "http://127.0.0.1:\(port)/held"],
                                    environment: [:], stderr: logs.file("curl-stderr"))
        defer { curl.signal(SIGKILL); _ = curl.wait() }
        let held = target.accept()
        try #require(held >= 0, "curl's connection never reached the target")
        defer { close(held) }
        var request = [UInt8](repeating: 0, count: 4096)
        let asked = read(held, &request, request.count)
        #expect(asked > 0)
        let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".utf8) + [UInt8](repeating: 0x61, count: 1000)
        #expect(write(held, answer, answer.count) == answer.count)

        try screen.press("l", "Enter")
        var seen = screen.waitForScreen { screen in
            lines(screen).contains { $0.contains("127.0.0.1:") && $0.contains("127.0.0.1:\(target.port)") && $0.contains("relaying")
                && $0.contains("\(asked) B") && $0.contains("1.0 KB") }
        }
        #expect(seen.matched, "the held connection with \(asked) bytes out and 1.0 KB in: \(seen.screen)")
        #expect(seen.screen.contains("Connections of lab/L\(port)"), "\(seen.screen)")

        try screen.press("x")
        seen = screen.waitFor("No open connections")
        #expect(seen.matched, "\(seen.screen)")
        #expect(seen.screen.contains("Closed 127.0.0.1:") || screen.screen().contains("Closed 127.0.0.1:"), "\(seen.screen)")
        let status = curl.wait(timeout: 20)
        #expect(status != nil && status != 0, "curl saw the close: exit \(String(describing: status))")
        try screen.press("Escape", "q")
        #expect(screen.waitFor("Keep it running in the background?").matched)
        try screen.press("s")
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")
    }
}
