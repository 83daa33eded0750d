import Foundation
import SluiceTestSupport
import Testing

/// The harness every SSH test stands on: if these fail, nothing else about
/// SSH can be trusted.
@Suite struct SSHServerTests {
    @Test func systemSSHRunsACommandOnTheHarnessServer() throws {
        let server = try SSHServer()
        let home = try ClientHome(trusting: server)
        let result = try Command("/usr/bin/ssh", home.sshArguments(for: server) + ["\(CurrentUser.name)@127.0.0.1", "echo", "hello from sshd"], environment: home.environment).run()
        #expect(result.status == 0, "ssh failed: \(result.stderr)\nsshd log:\n\(server.log)")
        #expect(result.stdout == "hello from sshd\n")
    }

    @Test func unknownHostKeyIsRefusedByTheSystemClient() throws {
        let server = try SSHServer()
        let home = try ClientHome(trusting: server, knowsHost: false)
        let result = try Command("/usr/bin/ssh", home.sshArguments(for: server) + ["\(CurrentUser.name)@127.0.0.1", "true"], environment: home.environment).run()
        #expect(result.status == 255)
        #expect(result.stderr.contains("Host key verification failed"))
    }

    @Test func serverStopsAndStartsAgainOnTheSamePort() throws {
        let server = try SSHServer()
        let port = server.port
        server.stop()
        #expect(LoopbackPort.greeting(port: port, timeout: 0.5) == nil)
        try server.start()
        #expect(server.port == port)
        #expect(LoopbackPort.greeting(port: port, timeout: 2)?.hasPrefix("SSH-2.0") == true)
    }

    @Test func frozenServerAcceptsButSaysNothingUntilThawed() throws {
        let server = try SSHServer()
        server.freeze()
        #expect(LoopbackPort.greeting(port: server.port, timeout: 0.5) == nil)
        server.thaw()
        #expect(LoopbackPort.greeting(port: server.port, timeout: 5)?.hasPrefix("SSH-2.0") == true)
    }

    @Test func releasingTheServerKillsItAndItsConnections() throws {
        var server: SSHServer? = try SSHServer()
        let home = try ClientHome(trusting: server)
        let port = server!.port
        // A long-lived session holds a per-connection sshd process open.
        let client = try ChildProcess("/usr/bin/ssh", home.sshArguments(for: server!) + ["-N", "\(CurrentUser.name)@127.0.0.1"], environment: home.environment)
        var children: [pid_t] = []
        for _ in 0..<100 where children.isEmpty {
            children = server!.connectionProcesses
            usleep(50_000)
        }
        #expect(!children.isEmpty, "no per-connection sshd appeared")
        server = nil
        #expect(LoopbackPort.greeting(port: port, timeout: 0.5) == nil)
        for child in children {
            #expect(!ProcessTree.isAlive(child), "connection process \(child) outlived the server")
        }
        #expect(client.wait(timeout: 10) != nil, "the ssh client did not notice that the server went away")
    }
}
