import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// The real `sluice` screen in tmux, against the harness' real sshd.
@Suite struct ScreenTests {
    let harness: ScreenHarness
    var sshd: SSHServer { harness.sshd }
    var web: HTTPTestServer { harness.web }

    init() throws {
        harness = try ScreenHarness()
    }

    private func open(home: ClientHome, store: String) throws -> TmuxSession { try harness.open(home: home, store: store) }

    private func saveLabForward(in home: ClientHome) throws -> (store: String, port: Int) { try harness.saveLabForward(in: home) }

    /// The row of the forward that listens on `port`.
    private func row(listeningOn port: Int, in screen: String) -> String {
        screen.split(separator: "\n").first { $0.contains("127.0.0.1:\(port) ->") }.map(String.init) ?? ""
    }

    @Test func addAServerAndAForwardWithKeysUseItAndQuit() throws {
        let home = try ClientHome(trusting: sshd)
        let store = home.directory.file("store.json")
        let port = try LoopbackPort.free()
        let engine = TestEngine(store: store, environment: home.environment)
        defer { engine.stop() }
        let screen = try open(home: home, store: store)

        var seen = screen.waitFor("No servers yet")
        #expect(seen.matched, "\(seen.screen)")
        try screen.press("A")
        try screen.type("lab")
        try screen.press("Tab")
        try screen.type("\(CurrentUser.name)@127.0.0.1:\(sshd.port)")
        try screen.press("Tab")
        try screen.type(home.identityPath)
        try screen.press("Enter")
        seen = screen.waitFor("Saved server lab")
        #expect(seen.matched, "\(seen.screen)")

        // The form opens on the kind (Local); then address, port, host, port.
        try screen.press("a")
        #expect(screen.waitFor("New forward on lab").matched)
        try screen.press("Tab", "Tab")
        try screen.type(String(port))
        try screen.press("Tab", "Tab")
        try screen.type(String(web.port))
        try screen.press("Enter")
        seen = screen.waitForScreen { row(listeningOn: port, in: $0).contains("listening") }
        #expect(seen.matched, "\(seen.screen)\n\(screen.stderr)")

        let fetched = try Command("/usr/bin/curl", ["-sS", "--max-time", "10", "http://127.0.0.1:\(port)/page.txt"]).run()
        #expect(fetched.status == 0, "\(fetched.stderr)")
        #expect(fetched.stdout == web.page)
        // One connection counted and the page's bytes on the row, without a key press.
        seen = screen.waitForScreen { screen in
            let columns = row(listeningOn: port, in: screen).split(separator: " ")
            return columns.contains("listening") && columns.contains("1") && columns.contains("KB")
        }
        #expect(seen.matched, "\(seen.screen)")

        // Off: the switch at once, then the state once the listener is closed.
        try screen.press("Space")
        seen = screen.waitForScreen { row(listeningOn: port, in: $0).split(separator: " ").filter { $0 == "off" }.count == 2 }
        #expect(seen.matched, "\(seen.screen)")
        #expect(screen.waitForScreen { _ in LoopbackPort.isFree(port) }.matched)
        try screen.press("Space")
        seen = screen.waitForScreen { row(listeningOn: port, in: $0).contains("listening") }
        #expect(seen.matched, "\(seen.screen)\n\(screen.stderr)")

        // Quit and stop the forwards: the engine the screen started ends.
        try screen.press("q")
        seen = screen.waitFor("Keep it running in the background?")
        #expect(seen.matched, "\(seen.screen)")
        try screen.press("s")
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")
        #expect(LoopbackPort.isFree(port))
        #expect(!engine.isRunning)

        let saved = try Store(path: store).load()
        let server = try #require(saved.servers.first)
        #expect(saved.servers.count == 1)
        #expect(server.name == "lab")
        #expect(server.address.description == "\(CurrentUser.name)@127.0.0.1:\(sshd.port)")
        #expect(server.identityFile == home.identityPath)
        #expect(server.forwards == [Forward(name: "L\(port)", spec: try ForwardSpec(parsing: "\(port):127.0.0.1:\(web.port)", kind: .local))])
    }

    @Test func anUnknownHostKeyIsAskedOnScreenAndSavedOnlyOnADeliberateAnswer() throws {
        // "y", then "yes" and Enter, sent the moment the question shows: typed
        // for something else, they must not answer it. Whether they really
        // came within its half-second guard is known from the clock only
        // afterwards; on a machine too busy for that, the run starts again.
        var run: (home: ClientHome, port: Int, screen: TmuxSession)?
        for _ in 0..<3 where run == nil {
            let home = try ClientHome(trusting: sshd, knowsHost: false)
            let (store, port) = try saveLabForward(in: home)
            let screen = try open(home: home, store: store)
            var lastMiss = Date()
            var shown = ""
            let deadline = Date().addingTimeInterval(20)
            while !shown.contains("Unknown host key") && Date() < deadline {
                let capturing = Date()
                shown = screen.screen()
                if !shown.contains("Unknown host key") {
                    lastMiss = capturing
                    usleep(10_000)
                }
            }
            try #require(shown.contains("Unknown host key"), "\(shown)\n\(screen.stderr)")
            #expect(shown.contains(sshd.hostKeyFingerprint), "\(shown)")
            try screen.press("y", "yes", "Enter")
            if Date().timeIntervalSince(lastMiss) < 0.4 {
                run = (home, port, screen)
            } else {
                TestEngine(store: store, environment: home.environment).stop()
            }
        }
        let (home, port, screen) = try #require(run, "three times the keys took 0.4 s or more to reach the question")
        let engine = TestEngine(store: home.directory.file("store.json"), environment: home.environment)
        defer { engine.stop() }

        // Past the guard, typing shows in the answer: only what is typed now,
        // and no hint that an Enter was taken.
        Thread.sleep(forTimeInterval: 0.6)
        try screen.type("ye")
        var seen = screen.waitFor("> ye ")
        #expect(seen.matched, "\(seen.screen)")
        #expect(seen.screen.contains("Unknown host key") && !seen.screen.contains("Please type"), "\(seen.screen)")
        #expect(try String(contentsOfFile: home.knownHostsPath, encoding: .utf8) == "")

        try screen.type("s")
        try screen.press("Enter")
        seen = screen.waitForScreen { row(listeningOn: port, in: $0).contains("listening") }
        #expect(seen.matched, "\(seen.screen)")
        let knownHosts = try String(contentsOfFile: home.knownHostsPath, encoding: .utf8)
        #expect(knownHosts.contains("[127.0.0.1]:\(sshd.port)"))

        // Ctrl+C asks like q does; Esc stays.
        try screen.press("C-c")
        #expect(screen.waitFor("Keep it running in the background?").matched)
        try screen.press("Escape")
        seen = screen.waitForScreen { !$0.contains("Keep it running") && row(listeningOn: port, in: $0).contains("listening") }
        #expect(seen.matched, "\(seen.screen)")
        #expect(!LoopbackPort.isFree(port))
        try screen.press("q")
        #expect(screen.waitFor("Keep it running in the background?").matched)
        try screen.press("s")
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")
    }

    @Test func resizingRelaysTheScreenAndSIGTERMLeavesTheForwardsRunning() throws {
        let home = try ClientHome(trusting: sshd)
        let (store, port) = try saveLabForward(in: home)
        let engine = TestEngine(store: store, environment: home.environment)
        defer { engine.stop() }
        let screen = try open(home: home, store: store)
        var seen = screen.waitForScreen { row(listeningOn: port, in: $0).contains("listening") }
        #expect(seen.matched, "\(seen.screen)")
        #expect(seen.screen.contains("TRAFFIC") && !seen.screen.contains(" OUT "))
        try screen.resize(width: 130, height: 40)
        seen = screen.waitForScreen { $0.contains(" OUT ") && $0.split(separator: "\n").contains { $0.count > 100 } }
        #expect(seen.matched, "\(seen.screen)")
        try screen.resize(width: 80, height: 24)
        seen = screen.waitForScreen { $0.contains("TRAFFIC") && $0.split(separator: "\n").allSatisfy { $0.count <= 80 } }
        #expect(seen.matched, "\(seen.screen)")

        // The screen's own process: the engine it started is its child,
        // in a session of its own, and is not what closing a terminal ends.
        let enginePid = try #require(engine.pid())
        let processes = screen.processes.filter { $0 != enginePid }
        #expect(!processes.isEmpty)
        for pid in processes { kill(pid, SIGTERM) }
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")
        // The screen was only a window on the engine: the forward stays up.
        let fetched = try fetch(port)
        #expect(fetched.stdout == web.page, "\(fetched.stderr)")
        engine.stop()
        #expect(LoopbackPort.isFree(port))
        #expect(try Store(path: store).load().servers.first?.forwards.first?.enabled == true)
    }

    /// `sluice up` runs (say, from login); the screen opened later is a
    /// window on it: same session, same counters, no port clash, and the
    /// forwards stay when it closes.
    @Test func theScreenAttachesToARunningEngineAndLeavesItRunning() throws {
        let home = try ClientHome(trusting: sshd)
        let (store, port) = try saveLabForward(in: home)
        let logs = try TemporaryDirectory()
        let up = try ChildProcess(SluiceBinary.path, ["up"], environment: home.environment.merging(["SLUICE_STORE": store]) { $1 },
                                  stderr: logs.file("stderr"))
        defer { up.signal(SIGKILL); _ = up.wait() }
        #expect(logs.waitUntil("stderr", contains: "Forwarding 127.0.0.1:\(port)"), "\((try? logs.read("stderr")) ?? "")")
        #expect(try fetch(port).stdout == web.page)
        let sessions = sshd.connectionProcesses.count

        var screen = try open(home: home, store: store)
        var seen = screen.waitForScreen { screen in
            let columns = row(listeningOn: port, in: screen).split(separator: " ")
            return columns.contains("listening") && columns.contains("1") && columns.contains("KB")
        }
        #expect(seen.matched, "\(seen.screen)")
        #expect(!seen.screen.contains("in use"), "\(seen.screen)")
        #expect(sshd.connectionProcesses.count == sessions, "the screen opened no SSH session of its own")
        try screen.press("q")
        #expect(screen.waitFor("Keep it running in the background?").matched)
        try screen.press("Enter")
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")

        #expect(try fetch(port).stdout == web.page, "the forward outlives the screen")
        screen = try open(home: home, store: store)
        seen = screen.waitForScreen { screen in
            let columns = row(listeningOn: port, in: screen).split(separator: " ")
            return columns.contains("listening") && columns.contains("2")
        }
        #expect(seen.matched, "the same live counters: \(seen.screen)")
        try screen.press("q", "Enter")
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")
        up.signal(SIGTERM)
        #expect(up.wait(timeout: 20) == 0)
    }

    @Test func aScreenWhoseEngineDiesStartsANewOne() throws {
        let home = try ClientHome(trusting: sshd)
        let (store, port) = try saveLabForward(in: home)
        let engine = TestEngine(store: store, environment: home.environment)
        defer { engine.stop() }
        let screen = try open(home: home, store: store)
        #expect(screen.waitForScreen { row(listeningOn: port, in: $0).contains("listening") }.matched)
        let first = try #require(engine.pid())
        kill(first, SIGKILL)
        let deadline = Date().addingTimeInterval(20)
        while (engine.pid(timeout: 0) ?? first) == first && Date() < deadline { usleep(20_000) }
        let second = try #require(engine.pid(timeout: 0))
        #expect(second != first)
        var seen = screen.waitForScreen { row(listeningOn: port, in: $0).contains("listening") }
        #expect(seen.matched, "\(seen.screen)")
        #expect(try fetch(port).stdout == web.page)
        // Said on screen; newer events may have followed it, so in the log.
        try screen.press("L")
        seen = screen.waitFor("The engine (pid \(first)) ended unexpectedly; started a new one (pid \(second)).")
        #expect(seen.matched, "\(seen.screen)")
        try screen.press("Escape")
        try screen.press("q", "s")
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")
        #expect(!engine.isRunning)
    }

    /// A background engine meets an unknown host key with nobody there:
    /// the question waits, status says so, the screens ask it.
    @Test func aQuestionWaitsForTheScreen() throws {
        let home = try ClientHome(trusting: sshd, knowsHost: false)
        let (store, port) = try saveLabForward(in: home)
        let engine = TestEngine(store: store, environment: home.environment)
        defer { engine.stop() }
        let status = try startEngineAndWaitForAQuestion(home: home, store: store)
        #expect(status.contains("lab  waiting for you: open sluice to answer (host key of lab)"), "\(status)")

        // Two screens at once: both ask; the first answer wins and the
        // other's dialog closes.
        let screen = try open(home: home, store: store)
        let other = try open(home: home, store: store)
        var seen = screen.waitFor("Unknown host key")
        #expect(seen.matched, "\(seen.screen)")
        #expect(seen.screen.contains(sshd.hostKeyFingerprint), "\(seen.screen)")
        #expect(other.waitFor("Unknown host key").matched)
        Thread.sleep(forTimeInterval: 0.6)
        try screen.type("yes")
        try screen.press("Enter")
        seen = screen.waitForScreen { row(listeningOn: port, in: $0).contains("listening") }
        #expect(seen.matched, "\(seen.screen)")
        seen = other.waitForScreen { !$0.contains("Unknown host key") && row(listeningOn: port, in: $0).contains("listening") }
        #expect(seen.matched, "\(seen.screen)")
        #expect(try String(contentsOfFile: home.knownHostsPath, encoding: .utf8).contains("[127.0.0.1]:\(sshd.port)"))
        try other.press("q", "Enter")
        #expect(other.exitStatus() == 0, "\(other.stderr)")
        try screen.press("q", "s")
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")
    }

    /// The server gives up on a login that waits (LoginGraceTime): a host
    /// key accepted after that still brings the forward up, on a new
    /// connection, without asking again.
    @Test func aQuestionAnsweredAfterTheServerGaveUpStillBringsTheForwardUp() throws {
        let impatient = try SSHServer(extraConfig: ["LoginGraceTime 2"])
        let home = try ClientHome(trusting: impatient, knowsHost: false)
        let store = home.directory.file("store.json")
        let port = try LoopbackPort.free()
        try Store(path: store).update { document in
            try document.addServer(Server(name: "lab", destination: try Destination(parsing: "\(CurrentUser.name)@127.0.0.1:\(impatient.port)"),
                                          identityFile: home.identityPath))
            try document.addForward(try ForwardSpec(parsing: "\(port):127.0.0.1:\(web.port)", kind: .local), to: "lab")
        }
        let engine = TestEngine(store: store, environment: home.environment)
        defer { engine.stop() }
        let status = try startEngineAndWaitForAQuestion(home: home, store: store)
        #expect(status.contains("waiting for you"), "\(status)")
        // Past the server's patience.
        Thread.sleep(forTimeInterval: 4)
        let screen = try open(home: home, store: store)
        #expect(screen.waitFor("Unknown host key").matched)
        Thread.sleep(forTimeInterval: 0.6)
        try screen.type("yes")
        try screen.press("Enter")
        let seen = screen.waitForScreen { row(listeningOn: port, in: $0).contains("listening") }
        #expect(seen.matched, "\(seen.screen)")
        #expect(!seen.screen.contains("Unknown host key"), "asked once: \(seen.screen)")
        try screen.press("q", "s")
        #expect(screen.exitStatus() == 0, "\(screen.stderr)")
    }

    /// `sluice start` for `store`, then `sluice status` until it says a
    /// question waits (or about 10 s pass); its last output.
    private func startEngineAndWaitForAQuestion(home: ClientHome, store: String) throws -> String {
        let environment = home.environment.merging(["SLUICE_STORE": store]) { $1 }
        #expect(try SluiceBinary.run(["start"], environment: environment).status == 0)
        var status = ""
        for _ in 0..<500 where !status.contains("waiting for you") {
            status = try SluiceBinary.run(["status"], environment: environment).stdout
            usleep(20_000)
        }
        return status
    }

    private func fetch(_ port: Int) throws -> Command.Result {
        try Command("/usr/bin/curl", ["-sS", "--max-time", "10", "http://127.0.0.1:\(port)/page.txt"]).run()
    }

    @Test func aBrokenStoreIsReportedAndNotTouched() throws {
        let home = try ClientHome(trusting: sshd)
        let store = try home.directory.write("store.json", "{\"version\": 1, \"servers\": [\n")
        let screen = try open(home: home, store: store)
        #expect(screen.exitStatus() == 65)
        #expect(screen.stderr.contains("is not valid JSON at"), "\(screen.stderr)")
        #expect(try String(contentsOfFile: store, encoding: .utf8) == "{\"version\": 1, \"servers\": [\n")
    }
}
