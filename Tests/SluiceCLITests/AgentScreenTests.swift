import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Both transports on one screen, in the real binary in tmux: an SSH
/// server (the harness' sshd) and an agent server (a real `sluice agent`),
/// each with a Local forward to the same web page, counted live.
@Suite struct AgentScreenTests {
    let harness: ScreenHarness

    init() throws {
        harness = try ScreenHarness()
    }

    @Test func anAgentServerSitsBesideAnSSHServerWithLiveCounters() throws {
        let home = try ClientHome(trusting: harness.sshd)
        let (store, sshPort) = try harness.saveLabForward(in: home)
        let agent = try AgentProcess(services: AgentTests.services())
        let agentPort = try LoopbackPort.free()
        try Store(path: store).update { document in
            try document.addServer(Server(name: "node1", address: .agent(AgentURL(host: "127.0.0.1", port: agent.port))))
            try document.addForward(try ForwardSpec(parsing: "\(agentPort):my-app/web:\(harness.web.port)", kind: .local, targets: .services(project: nil)),
                                    to: "node1", name: "web")
        }
        let engine = TestEngine(store: store, environment: home.environment)
        defer { engine.stop() }
        let screen = try harness.open(home: home, store: store)
        func line(_ screen: String, _ text: String) -> String {
            screen.split(separator: "\n").first { $0.contains(text) }.map(String.init) ?? ""
        }
        let both = screen.waitForScreen {
            line($0, " lab ").contains("connected") && line($0, " node1 ").contains("connected")
        }
        #expect(both.matched, "\(both.screen)\n\(screen.stderr)\n\(agent.log)")
        #expect(line(both.screen, " node1 ").contains("ws://127.0.0.1:\(agent.port)"), "\(both.screen)")

        // The same page through each transport.
        for port in [sshPort, agentPort] {
            let fetched = try Command("/usr/bin/curl", ["-sS", "--max-time", "20", "http://127.0.0.1:\(port)/page.txt"]).run()
            let samePage = fetched.stdout == harness.web.page
            #expect(samePage, "through \(port): \(fetched.stdout.count) bytes, \(fetched.stderr)")
        }

        // The agent server's forwards, counted as they come.
        try screen.press("j")
        let counted = screen.waitForScreen { screen in
            let row = line(screen, " web ")
            return row.contains("127.0.0.1:\(agentPort) -> my-app/web:\(harness.web.port)") && row.contains("listening")
                && row.split(separator: " ").contains("1") && !row.contains(" 0 B ")
        }
        #expect(counted.matched, "\(counted.screen)\n\(screen.stderr)")
        #expect(counted.screen.contains("via agent 127.0.0.1:\(agent.port)"), "\(counted.screen)")
        try screen.press("q")
    }
}
