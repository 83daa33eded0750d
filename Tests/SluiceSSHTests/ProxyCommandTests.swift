import Foundation
import SluiceCore
import SluiceSSH
import SluiceTestSupport
import Testing

/// A ProxyCommand in the user's own ssh config runs as OpenSSH runs it,
/// started by Sluice with nothing of its own but the child's stdio, and
/// what it says on stderr reaches the server's status.
@Suite struct ProxyCommandTests {
    /// A relay written for the test: records the descriptors it was started
    /// with, then joins its stdio to host:port.
    static let relay = """
        import os, socket, sys, threading
        host, port, record = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        me = os.getpid()
        lines = []
        for name in os.listdir("/proc/%d/fd" % me):
            try:
                lines.append("%s %s" % (name, os.readlink("/proc/%d/fd/%s" % (me, name))))
            except OSError:
                pass
        with open(record, "w") as out:
            out.write("\\n".join(sorted(lines)) + "\\n")
        with open(record + ".process", "w") as out:
            out.write("%d %d" % (me, os.getpgid(0)))
        s = socket.create_connection((host, port))
        def up():
            while True:
                data = os.read(0, 65536)
                if not data:
                    s.shutdown(socket.SHUT_WR)
                    return
                s.sendall(data)
        threading.Thread(target=up, daemon=True).start()
        while True:
            data = s.recv(65536)
            if not data:
                break
            os.write(1, data)
        """

    @Test func itCarriesTheSessionAndInheritsOnlyItsStdio() throws {
        let fixture = try EngineFixture()
        let folder = try TemporaryDirectory()
        let script = try folder.write("relay.py", Self.relay)
        try fixture.home.directory.write(".ssh/config", """
            Host viaproxy
                HostName 127.0.0.1
                Port \(fixture.sshd.port)
                User \(CurrentUser.name)
                ProxyCommand /usr/bin/python3 \(script) %h %p \(folder.file("fds"))
            """)
        let echo = try TCPTestServer(mode: .echo)
        let local = try LoopbackPort.free()
        fixture.engine.apply([Server(name: "test", destination: try Destination(parsing: "viaproxy"),
                                     forwards: [try EngineFixture.forward("echo", "-L \(local):127.0.0.1:\(echo.port)")])])
        #expect(fixture.waitForState("test", "echo", .up), "\(fixture.dump)")
        #expect(TCPTestClient.echo(port: local, bytes: 4 << 20, seed: 41).exact, "\(fixture.dump)")
        #expect(fixture.engine.board.server(named: "test")?.route == "via ProxyCommand")

        let descriptors = try folder.read("fds").split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1).map(String.init) }
        let stdio = descriptors.filter { ["0", "1", "2"].contains($0[0]) }
        #expect(stdio.count == 3 && stdio.allSatisfy { $0[1].hasPrefix("socket:") }, "\(descriptors)")
        // Anything else is the folder the relay listed itself.
        let others = descriptors.filter { !["0", "1", "2"].contains($0[0]) }
        #expect(others.allSatisfy { $0[1].hasPrefix("/proc/") && $0[1].hasSuffix("/fd") }, "inherited: \(others)")

        // A process group of its own (a Ctrl+C for Sluice is not for it),
        // and gone once the session is.
        let process = try folder.read("fds.process").split(separator: " ").compactMap { Int32($0) }
        #expect(process.count == 2 && process[0] == process[1], "pid and process group: \(process)")
        fixture.engine.stopNow()
        #expect(kill(process[0], 0) != 0, "the ProxyCommand outlived its session")
    }

    @Test func whatAFailingProxyCommandSaysReachesTheStatus() throws {
        let fixture = try EngineFixture()
        try fixture.home.directory.write(".ssh/config", """
            Host viaproxy
                HostName 127.0.0.1
                Port \(fixture.sshd.port)
                ProxyCommand /bin/sh -c "echo 'corp-proxy: no route to %h:%p' >&2; exit 3"
            """)
        fixture.engine.apply([Server(name: "test", destination: try Destination(parsing: "viaproxy"),
                                     forwards: [try EngineFixture.forward("socks", "-D \(try LoopbackPort.free())")])])
        #expect(fixture.waitUntil { servers in servers.first?.lastError?.contains("ProxyCommand") == true }, "\(fixture.dump)")
        let error = fixture.engine.board.server(named: "test")?.lastError ?? ""
        #expect(error == "cannot connect to 127.0.0.1 port \(fixture.sshd.port): the ProxyCommand for viaproxy (from your ssh config) "
            + "exited with status 3: corp-proxy: no route to 127.0.0.1:\(fixture.sshd.port)", "\(error)")
    }

    /// Tokens put into a ProxyCommand are host and user names, never shell code.
    @Test func aHostNameThatIsNotOneNeverReachesTheCommand() throws {
        let fixture = try EngineFixture()
        let folder = try TemporaryDirectory()
        try fixture.home.directory.write(".ssh/config", """
            Host evil
                HostName b$(touch${IFS}\(folder.file("PWNED")))
                ProxyCommand /bin/sh -c "exec nc %h %p"
            """)
        fixture.engine.apply([Server(name: "test", destination: try Destination(parsing: "evil"),
                                     forwards: [try EngineFixture.forward("socks", "-D \(try LoopbackPort.free())")])])
        #expect(fixture.waitUntil { servers in servers.first?.link == .failed }, "\(fixture.dump)")
        let error = fixture.engine.board.server(named: "test")?.lastError ?? ""
        #expect(error.hasPrefix("the ssh config gives evil the HostName 'b$(touch${IFS}"), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("PWNED")))
    }
}
