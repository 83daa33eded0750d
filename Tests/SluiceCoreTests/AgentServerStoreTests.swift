import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Agent servers in the store: how they are written and read back, the
/// version that says an older Sluice cannot read them, and the rules their
/// forwards keep however they are made.
@Suite struct AgentServerStoreTests {
    static func document() throws -> StoreDocument {
        var document = try StoreTests.sampleDocument()
        try document.addServer(Server(name: "node1", address: try ServerAddress(parsing: "wss://node-1.example.com:9443/agent"),
                                      tokenFile: "~/.config/sluice/node1.token", caFile: "~/ca.pem"))
        try document.addServer(Server(name: "app", address: try ServerAddress.project("my-app", controlPlane: "http://cp:8080")))
        try document.addForward(try ForwardSpec(parsing: "5432:my-app/db:5432", kind: .local, targets: .services(project: nil)), to: "node1", name: "db")
        try document.addForward(try ForwardSpec(parsing: "8080:web:80", kind: .local, targets: .services(project: "my-app")), to: "app")
        return document
    }

    @Test func agentServersReadBackEqualAndTheFileIsVersion2() throws {
        let folder = try TemporaryDirectory()
        let store = Store(path: folder.file("forwards.json"))
        let document = try Self.document()
        try store.update { $0 = document }
        #expect(try store.load() == document)
        let text = try folder.read("forwards.json")
        #expect(text.hasPrefix("{\n  \"version\": 2,"))
        #expect(text.contains("\"name\": \"node1\",\n      \"agent\": \"wss://node-1.example.com:9443/agent\",\n      \"tokenFile\": \"~/.config/sluice/node1.token\",\n      \"caFile\": \"~/ca.pem\","))
        #expect(text.contains("\"name\": \"app\",\n      \"controlPlane\": \"http://cp:8080\",\n      \"project\": \"my-app\","))
        #expect(text.contains("\"host\": \"my-app/db\""))
    }

    @Test func aStoreWithoutAgentsStaysVersion1ForOlderSluices() throws {
        var document = try Self.document()
        #expect(document.jsonText.contains("\"version\": 2"))
        try document.removeServer(named: "node1")
        try document.removeServer(named: "app")
        #expect(document.jsonText.hasPrefix("{\n  \"version\": 1,"))
    }

    @Test func theAddressDecidesTheTransport() throws {
        #expect(try ServerAddress(parsing: "ws://10.0.0.5:9090") == .agent(AgentURL(host: "10.0.0.5", port: 9090)))
        #expect(try ServerAddress(parsing: "WSS://h") == .agent(AgentURL(isSecure: true, host: "h", port: 443)))
        #expect(try ServerAddress(parsing: "deploy@db:2222") == .ssh(Destination(user: "deploy", host: "db", port: 2222)))
        #expect(try ServerAddress(parsing: "10.0.0.5:9090").isAgent == false)
        let project = try ServerAddress(parsing: "my-app via https://cp.example.com/base")
        #expect(project.project == "my-app")
        #expect(project.description == "my-app via https://cp.example.com/base")
        for bad in ["ws://", "ws://h:0", "ws://h:09090", "ws://user@h:1", "ws://h:1/?q", "my app via http://cp", "app via ftp://cp", "-x via http://cp"] {
            #expect(throws: SluiceError.self, "\(bad)") { try ServerAddress(parsing: bad) }
        }
        #expect(throws: SluiceError.invalidAgent("\"ws://h/p?x\" is not an agent address: no user, query or fragment, just ws://HOST:PORT[/PATH]")) {
            try ServerAddress(parsing: "ws://h/p?x")
        }
    }

    @Test func anAgentsForwardsAreLocalAndNameAService() throws {
        let node = Server(name: "node1", address: .agent(AgentURL(host: "h", port: 9090)))
        let app = Server(name: "app", address: try .project("my-app", controlPlane: "http://cp"))
        func problem(_ server: Server, _ flagged: String) -> String? {
            do {
                _ = try ForwardSpec(parsingFlagged: flagged, targets: server.targetRule)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem(node, "-L 5432:my-app/db:5432") == nil)
        #expect(problem(node, "-L 127.0.0.1:5432:my-app/db:5432") == nil)
        #expect(problem(app, "-L 5432:db:5432") == nil)
        #expect(problem(app, "-L 5432:my-app/db:5432") == nil)
        #expect(problem(node, "-L 5432:db:5432") == "bad forward '-L 5432:db:5432': 'db' names no project; an agent's services are PROJECT/SERVICE; write -L 5432:PROJECT/SERVICE:5432, e.g. 5432:my-app/db:5432")
        #expect(problem(app, "-L 5432:other/db:5432")?.contains("this server is project my-app, and 'other/db' names project other") == true)
        #expect(problem(node, "-R 8080:my-app/db:80")?.contains("an agent server carries Local forwards only") == true)
        #expect(problem(node, "-D 1080")?.contains("an agent server carries Local forwards only") == true)
        #expect(problem(node, "-L 5432")?.contains("name the service: -L 5432:PROJECT/SERVICE:PORT") == true)
        #expect(problem(node, "-L 5432:my-app/d b:5432") == "bad forward '-L 5432:my-app/d b:5432': it contains a space")
        #expect(problem(node, "-L 5432:my-app/-x:5432")?.contains("the service name '-x' starts with '-'") == true)
        #expect(problem(node, "-L 5432:a/b/c:5432")?.contains("is not a service") == true)
        // And an SSH server's targets are still hosts.
        let ssh = Server(name: "db", destination: Destination(user: nil, host: "db", port: nil))
        #expect(problem(ssh, "-L 5432:my-app/db:5432")?.contains("contains '/'") == true)
    }

    @Test func aServerCannotChangeTransportWithForwardsThatDoNotSuitTheNewOne() throws {
        var document = try Self.document()
        let before = document
        var edited = try document.server(named: "db")
        edited.address = .agent(AgentURL(host: "h", port: 9090))
        edited.identityFile = nil
        edited.jumpHost = nil
        #expect(throws: SluiceError.self) { try document.editServer(named: "db", to: edited) }
        #expect(document == before)
        var sshNode = try document.server(named: "node1")
        sshNode.address = .ssh(Destination(user: nil, host: "h", port: nil))
        #expect(throws: SluiceError.self) { try document.editServer(named: "node1", to: sshNode) }
        // Key and jump host are SSH's, token and CA files an agent's.
        var mixed = try document.server(named: "node1")
        mixed.identityFile = "~/.ssh/id"
        #expect(throws: SluiceError.wrongTransport("an agent server has no identity file or jump host: it is reached over WebSocket (use --token-file for a token)")) {
            try document.editServer(named: "node1", to: mixed)
        }
    }

    @Test func aHandEditedAgentServerIsCheckedWhereItIsWrong() throws {
        func problem(_ server: String) -> String? {
            let text = "{\"version\": 2, \"servers\": [\(server)]}"
            do {
                _ = try StoreDocument(parsing: text, path: "/s.json")
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem("{\"name\": \"n\", \"agent\": \"ws://h:1\", \"forwards\": []}") == nil)
        #expect(problem("{\"name\": \"n\", \"agent\": \"h:1\", \"forwards\": []}")?.contains("expected ws://HOST:PORT or wss://HOST:PORT") == true)
        #expect(problem("{\"name\": \"n\", \"agent\": \"ws://h:1\", \"destination\": \"h\", \"forwards\": []}")?
            .contains("needs one of: \"destination\" (SSH), \"agent\" (a ws:// or wss:// URL), or \"controlPlane\" with \"project\"") == true)
        #expect(problem("{\"name\": \"n\", \"controlPlane\": \"http://cp\", \"forwards\": []}")?.contains("needs one of") == true)
        #expect(problem("{\"name\": \"n\", \"agent\": \"ws://h:1\", \"forwards\": [{\"name\": \"f\", \"kind\": \"reverse\", \"enabled\": true, \"listen\": {\"port\": 1}, \"target\": {\"host\": \"a/b\", \"port\": 2}}]}")?
            .contains("an agent server carries Local forwards only") == true)
        #expect(problem("{\"name\": \"n\", \"destination\": \"h\", \"tokenFile\": \"t\", \"forwards\": []}")?
            .contains("a token file and a CA file are for agent servers") == true)
    }

    @Test func theCommandToCopyIsPortForwardForAnAgent() throws {
        let document = try Self.document()
        let node = try document.server(named: "node1")
        #expect(node.sshArguments(for: node.forwards) == nil)
        #expect(node.portForwardArguments(for: node.forwards[0]) == ["sluice", "port-forward", "my-app/db", "5432:5432", "--node", "wss://node-1.example.com:9443/agent",
                                                                   "--token-file", "~/.config/sluice/node1.token", "--ca-file", "~/ca.pem"])
        let app = try document.server(named: "app")
        #expect(app.portForwardArguments(for: app.forwards[0]) == ["sluice", "port-forward", "my-app/web", "8080:80", "--control-plane", "http://cp:8080"])
    }
}
