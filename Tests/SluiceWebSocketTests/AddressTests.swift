@testable import SluiceWebSocket
import Testing

/// Names, ports and agent addresses as users type them.
@Suite struct AddressTests {
    @Test func routesFollowTheProtocolsNames() throws {
        let route = try ServiceRoute(reference: "my-app/db", port: 5432)
        #expect(route.path == "/api/v1/forward/my-app/db/5432")
        #expect(route.description == "my-app/db:5432")
        #expect(ServiceRoute.isValidName("a_b.c-9"))
        #expect(ServiceRoute.isValidName(String(repeating: "a", count: 63)))
        for bad in ["", "-x", ".x", "a/b", "a b", "a%2F", "ä", "..", String(repeating: "a", count: 64), "x?y"] {
            #expect(!ServiceRoute.isValidName(bad), "\(bad)")
        }
        #expect(throws: AgentError.self) { try ServiceRoute(reference: "a/b/c", port: 1) }
        #expect(throws: AgentError.self) { try ServiceRoute(reference: "a/b", port: 0) }
    }

    @Test func portsHaveOneSpelling() throws {
        #expect(try PortNumber.parse("1") == 1)
        #expect(try PortNumber.parse("65535") == 65535)
        for bad in ["0", "01", "+1", "-1", "65536", "", "1e3", " 80", "８０"] {
            #expect(throws: AgentError.self, "\(bad)") { try PortNumber.parse(bad) }
        }
        #expect(try PortMapping(parsing: "5432") == PortMapping(parsing: "5432:5432"))
        #expect(try PortMapping(parsing: "15432:5432").local == 15432)
        #expect(throws: AgentError.self) { try PortMapping(parsing: "1:2:3") }
        #expect(throws: AgentError.self) { try PortMapping(parsing: ":5432") }
    }

    @Test func agentAddressesAsHostPortOrURL() throws {
        let plain = try AgentAddress(parsing: "10.0.0.5:9090")
        #expect(plain.scheme == .ws && plain.host == "10.0.0.5" && plain.port == 9090 && plain.basePath == "")
        #expect(plain.description == "10.0.0.5:9090")
        let v6 = try AgentAddress(parsing: "[::1]:9090")
        #expect(v6.host == "::1" && v6.description == "[::1]:9090")
        let secure = try AgentAddress(parsing: "wss://node-1.example.com/agents/node-1/")
        #expect(secure.scheme == .wss && secure.port == 443 && secure.basePath == "/agents/node-1")
        #expect(secure.description == "wss://node-1.example.com:443/agents/node-1")
        #expect(try AgentAddress(parsing: "WS://h:1").port == 1)
        #expect(try AgentAddress(parsing: "ws://h").port == 80)
        for bad in ["10.0.0.5", "::1:9090", "http://h:1", "ws://user@h:1", "ws://h:1/?x", "h:0", "h:", ":9090", "[::1", "h h:1", "ws://h:1/a b"] {
            #expect(throws: AgentError.self, "\(bad)") { try AgentAddress(parsing: bad) }
        }
    }

    @Test func howAnAgentWasFoundIsPartOfItsMessages() {
        let resolved = AgentAddress(host: "10.0.0.5", port: 9090,
                                    provenance: .resolved(controlPlane: "http://cp:8080", project: "my-app", node: "node-1", defaultPort: true))
        let error = AgentError.unreachable(agent: resolved, reason: "connection refused (nothing listens there)")
        #expect(error.description == "cannot reach the agent at 10.0.0.5:9090 (node node-1 of project my-app, from the control plane at http://cp:8080, on port 9090 because the node names no agentPort): connection refused (nothing listens there); if this machine reaches the node by another address, pass --node HOST:PORT")
    }

    @Test func refusalsInWords() throws {
        let agent = AgentAddress(host: "10.0.0.5", port: 9090, provenance: .given)
        let route = try ServiceRoute(reference: "my-app/db", port: 5432)
        func refusal(_ status: Int, _ message: String?, token: String? = nil) -> String {
            AgentError.refused(.init(agent: agent, route: route, status: status, reason: "Reason", message: message, tokenSource: token)).description
        }
        #expect(refusal(401, "a token is required") == "the agent at 10.0.0.5:9090 wants a token: pass --token-file")
        #expect(refusal(401, nil, token: "/t") == "the agent at 10.0.0.5:9090 did not accept the token from /t; check --token-file")
        #expect(refusal(409, "my-app is Pending: no container to connect to yet") == "my-app is Pending: no container to connect to yet")
        #expect(refusal(409, nil) == "my-app is not running: no container to connect to yet (agent at 10.0.0.5:9090)")
        #expect(refusal(404, nil) == "the agent at 10.0.0.5:9090 has no my-app/db")
        #expect(refusal(500, "boom") == "the agent at 10.0.0.5:9090 answered 500 Reason for my-app/db:5432: boom")
    }

    @Test func tokensAreOneLineOfPrintableASCII() throws {
        #expect(try BearerToken(value: " abc.DEF-123\n", source: "f").headerValue == "Bearer abc.DEF-123")
        #expect(throws: AgentError.self) { try BearerToken(value: "\n", source: "f") }
        #expect(throws: AgentError.self) { try BearerToken(value: "a\nInjected: yes", source: "f") }
        #expect(throws: AgentError.self) { try BearerToken(value: "a b", source: "f") }
    }
}
