import Foundation
import SluiceTestSupport
import Testing

/// A service on the loopback of a network namespace of the test's own,
/// reached only through the agent's namespace join: a Python HTTP server
/// started inside it with `ip netns exec`, fetched through the agent both
/// by the namespace's name and by the server's pid.
@Suite struct AgentNamespaceTests {
    static let ip = "/usr/sbin/ip"
    static var canMakeNamespaces: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: ip) }

    /// A namespace made for one test and deleted by it, loopback up.
    final class Namespace {
        let name: String

        init() throws {
            name = "sluice-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let made = try Command(AgentNamespaceTests.ip, ["netns", "add", name]).run()
            guard made.status == 0 else { throw TestSupportError("ip netns add \(name): \(made.stderr)") }
            let up = try Command(AgentNamespaceTests.ip, ["-n", name, "link", "set", "lo", "up"]).run()
            guard up.status == 0 else {
                _ = try? Command(AgentNamespaceTests.ip, ["netns", "delete", name]).run()
                throw TestSupportError("ip -n \(name) link set lo up: \(up.stderr)")
            }
        }

        deinit {
            _ = try? Command(AgentNamespaceTests.ip, ["netns", "delete", name]).run()
        }
    }

    @Test(.enabled(if: canMakeNamespaces, "needs root and iproute2 (ip netns)"))
    func aServiceInsideANetworkNamespaceIsReachedOnlyThroughTheAgent() throws {
        let namespace = try Namespace()
        // The same number held closed on the host: a connection from the
        // host's namespace is refused, whatever else runs here.
        let hostSide = try ClosedPort()
        let port = hostSide.port
        let site = try TemporaryDirectory(prefix: "sluice-netns-site")
        var stream = ByteStream(seed: 1404)
        var bytes = [UInt8](repeating: 0, count: 20_000)
        bytes.withUnsafeMutableBytes { stream.fill($0) }
        let page = String(bytes.map { Character(UnicodeScalar(UInt8(97 + Int($0) % 26))) })
        try site.write("page.txt", page)
        let server = try ChildProcess(Self.ip, ["netns", "exec", namespace.name, "/usr/bin/python3", "-m", "http.server",
                                                "--bind", "127.0.0.1", "--directory", site.path, String(port)],
                                      stderr: site.file("server.log"))
        ServerRecord.note(pid: server.pid, marker: site.path)
        defer {
            server.signal(SIGTERM)
            server.wait()
        }

        let agent = try AgentProcess(services: """
            {"projects": {"ns-app": {"services": {
              "web": {"netns": "\(namespace.name)"},
              "by-path": {"netns": "/var/run/netns/\(namespace.name)"},
              "by-pid": {"pid": \(server.pid)},
              "on-host": {"address": "127.0.0.1"},
              "gone": {"netns": "sluice-test-no-such-namespace"}}}}}
            """)
        let request = try site.write("request", "GET /page.txt HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")

        func fetch(_ service: String) throws -> (result: AgentClient.Result, response: String) {
            let saved = site.file("response-\(service)")
            let result = try AgentClient.run([agent.forward("ns-app/\(service)/\(port)"), "--protocol", "sluice.v1", "--save", saved,
                                              "send-file:\(request)", "end", "wait-close"])
            return (result, (try? String(contentsOfFile: saved, encoding: .utf8)) ?? "")
        }

        // The server needs a moment inside its namespace; only the agent can tell.
        var first = try fetch("web")
        let deadline = Date().addingTimeInterval(20)
        while first.result.closeCode == 1011 && Date() < deadline {
            usleep(100_000)
            first = try fetch("web")
        }
        #expect(first.response.hasPrefix("HTTP/1.0 200 OK\r\n"), "\(first.result) \(agent.log)")
        #expect(first.response.hasSuffix("\r\n\r\n" + page))
        #expect(first.result.closeCode == 1000)
        for service in ["by-path", "by-pid"] {
            let other = try fetch(service)
            #expect(other.response.hasSuffix("\r\n\r\n" + page), "\(service): \(other.result) \(agent.log)")
        }

        // From the host's own namespace, the same port is not reachable.
        #expect(TCPTestClient.connect(port: port, timeout: 5) == -1)
        let host = try AgentClient.run([agent.forward("ns-app/on-host/\(port)"), "wait-close"])
        #expect(host.closeCode == 1011 && host.closeReason == "connection refused by 127.0.0.1:\(port) in ns-app/on-host", "\(host)")
        // Inside, a port where nothing listens is refused there, and says where.
        let closedInside = try AgentClient.run([agent.forward("ns-app/web/\(port == 65535 ? port - 1 : port + 1)"), "wait-close"])
        #expect(closedInside.closeCode == 1011, "\(closedInside)")
        #expect(closedInside.closeReason?.hasSuffix("in ns-app/web (network namespace /var/run/netns/\(namespace.name))") == true, "\(closedInside)")
        let missing = try AgentClient.run([agent.forward("ns-app/gone/\(port)"), "wait-close"])
        #expect(missing.closeCode == 1011)
        #expect(missing.closeReason == "cannot open network namespace /var/run/netns/sluice-test-no-such-namespace for ns-app/gone: No such file or directory",
                "\(missing)")
    }
}
