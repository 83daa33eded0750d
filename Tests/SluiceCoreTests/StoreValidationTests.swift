import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// A store edited by hand (or by an attacker) goes through the same rules
/// as typed input; the error says where the bad value stands.
@Suite struct StoreValidationTests {
    static func store(server: String, forwards: String = "[]") -> String {
        "{\"version\": 1, \"servers\": [\n\(server.replacingOccurrences(of: "FORWARDS", with: forwards))]}"
    }

    @Test(arguments: [
        (#"{"name": "db", "destination": "local\u0000host", "forwards": FORWARDS}"#, 2, 31, "bad destination 'local^@host': the host contains '^@'"),
        (#"{"name": "db", "destination": "db", "jumpHost": "b$(touch X)", "forwards": FORWARDS}"#, 2, 49, "bad jump host 'b$(touch X)': it contains a space"),
        (#"{"name": "db", "destination": "db", "jumpHost": "-oProxyCommand=touch X", "forwards": FORWARDS}"#, 2, 49, "bad jump host '-oProxyCommand=touch X': a jump host cannot start with '-'"),
        (#"{"name": "db", "destination": "db", "jumpHost": "", "forwards": FORWARDS}"#, 2, 49, "bad jump host '': it is empty"),
        (#"{"name": "db", "destination": "db", "identityFile": "k\u001b[2J", "forwards": FORWARDS}"#, 2, 53, "bad identity file 'k^[[2J': the path contains '^['"),
        (#"{"name": "d\u202eb", "destination": "db", "forwards": FORWARDS}"#, 2, 1, "bad server name 'd<U+202E>b': it contains '<U+202E>'"),
    ])
    func hostileServerValuesAreRefusedWhereTheyStand(_ server: String, _ line: Int, _ column: Int, _ problem: String) {
        #expect {
            try StoreDocument(parsing: Self.store(server: server), path: "f.json")
        } throws: { error in
            guard case let StoreError.invalid(_, position, message) = error else { return false }
            return position == TextPosition(line: line, column: column) && message.hasPrefix(problem)
        }
    }

    @Test func hostileForwardHostsAreRefused() {
        let forwards = #"[{"name": "x", "kind": "local", "enabled": true, "listen": {"host": "lo\u001b", "port": 1}, "target": {"host": "h", "port": 1}}]"#
        #expect {
            try StoreDocument(parsing: Self.store(server: #"{"name": "db", "destination": "db", "forwards": FORWARDS}"#, forwards: forwards), path: "f.json")
        } throws: { error in
            guard case let StoreError.invalid(_, _, message) = error else { return false }
            return message.hasPrefix("forward 'db/x': the bind address contains '^['")
        }
    }

    @Test func jumpHostsAreSavedAsTheyParseBack() throws {
        let document = try StoreDocument(parsing: Self.store(server: #"{"name": "db", "destination": "db", "jumpHost": "ssh://ops@bastion:2222/,inner", "forwards": []},"#
            + "\n" + #"{"name": "web", "destination": "web", "jumpHost": "none", "forwards": []}"#), path: "f.json")
        #expect(document.servers.map(\.jumpHost) == ["ops@bastion:2222,inner", nil])
    }
}
