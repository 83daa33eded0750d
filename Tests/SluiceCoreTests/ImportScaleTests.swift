import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Importing generated ssh configs of 100,000 hosts or forwards: every host
/// and forward arrives with the right settings and names. (How long it
/// takes is measured with a release build, not asserted here.)
@Suite struct ImportScaleTests {
    static let count = 100_000

    @Test func aHundredThousandAliasesOnOneHostLine() throws {
        let names = (0..<Self.count).map { "h\($0)" }
        let config = try SSHConfig(text: """
            Host \(names.joined(separator: " "))
              User deploy
            Host h7 h99999
              Port 2200
            Host * !h5
              Port 2222
              User nobody
            """, home: "/nonexistent")
        #expect(config.aliases == names)
        var document = StoreDocument()
        let outcomes = try document.importSSHConfig(config, destination: .resolved)
        #expect(outcomes.count == Self.count)
        #expect(outcomes.allSatisfy { if case .added(_, 0) = $0 { return true } else { return false } })
        #expect(document.servers.map(\.name) == names)
        #expect(document.servers.allSatisfy { $0.destination?.user == "deploy" })
        #expect(document.servers[0].address.description == "deploy@h0:2222")
        #expect(document.servers[5].address.description == "deploy@h5")
        #expect(document.servers[7].address.description == "deploy@h7:2200")
        #expect(document.servers[99_999].address.description == "deploy@h99999:2200")
        #expect(document.servers.filter { $0.destination?.port == 2222 }.count == Self.count - 3)
        // Importing again finds every server by name and changes nothing.
        let again = document
        #expect(try document.importSSHConfig(config, hosts: ["h99999", "h0"], destination: .resolved) == [.unchanged(server: "h99999"), .unchanged(server: "h0")])
        #expect(document == again)
    }

    @Test func aHundredThousandHostLines() throws {
        var text = ""
        for index in 0..<Self.count { text += "Host h\(index)\n  HostName 10.\(index >> 16).\((index >> 8) & 255).\(index & 255)\n" }
        text += "Host *\n  User deploy\n"
        let config = try SSHConfig(text: text, home: "/nonexistent")
        var document = StoreDocument()
        let outcomes = try document.importSSHConfig(config, destination: .resolved)
        #expect(outcomes.count == Self.count)
        #expect(document.servers.count == Self.count)
        for index in [0, 1, 255, 256, 65_535, 65_536, 99_999] {
            #expect(document.servers[index].name == "h\(index)")
            #expect(document.servers[index].address.description == "deploy@10.\(index >> 16).\((index >> 8) & 255).\(index & 255)")
        }
        // The store reads back what was imported, as a file of that size.
        let folder = try TemporaryDirectory()
        let store = Store(path: folder.file("forwards.json"))
        try store.update { $0 = document }
        #expect(try store.load() == document)
    }

    @Test func aHundredThousandForwardLines() throws {
        // Ports repeat: 100,000 lines over 50,000 ports, each with two
        // targets, so half the names need a suffix.
        var text = "Host db\n  HostName db.example.com\n"
        for index in 0..<Self.count { text += "  LocalForward \(1 + index % 50_000) target\(index / 50_000):80\n" }
        let config = try SSHConfig(text: text, home: "/nonexistent")
        #expect(config.settings(for: "db").forwards.count == Self.count)
        var document = StoreDocument()
        #expect(try document.importSSHConfig(config, destination: .resolved) == [.added(server: "db", forwards: Self.count)])
        let forwards = try document.server(named: "db").forwards
        #expect(forwards.count == Self.count)
        #expect(Set(forwards.map(\.name)).count == Self.count)
        #expect(forwards[0].name == "L1" && forwards[0].spec.description == "-L 1:target0:80")
        #expect(forwards[50_000].name == "L1-2" && forwards[50_000].spec.description == "-L 1:target1:80")
        #expect(forwards[99_999].name == "L50000-2")
        // A user's forward taking a default name pushes the suffix on.
        try document.removeForward(ForwardReference(server: "db", forward: "L1-2"))
        try document.addForward(try ForwardSpec(parsing: "2:elsewhere:22", kind: .local), to: "db", name: "L1-2")
        #expect(try document.importSSHConfig(config, destination: .resolved) == [.updated(server: "db", newForwards: 1)])
        #expect(try document.server(named: "db").forwards.last?.name == "L1-3")
        #expect(try document.importSSHConfig(config, destination: .resolved) == [.unchanged(server: "db")])
        let folder = try TemporaryDirectory()
        let store = Store(path: folder.file("forwards.json"))
        try store.update { $0 = document }
        #expect(try store.load() == document)
    }
}
