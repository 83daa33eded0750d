import SluiceCore
import Testing

@Suite struct StoreDocumentEditingTests {
    func documentWithDB() throws -> StoreDocument {
        var document = StoreDocument()
        try document.addServer(Server(name: "db", destination: try Destination(parsing: "db")))
        return document
    }

    @Test func defaultNamesGetASuffixWhenTaken() throws {
        var document = try documentWithDB()
        let spec = try ForwardSpec(parsing: "5432", kind: .local)
        #expect(try document.addForward(spec, to: "db").name == "L5432")
        #expect(try document.addForward(spec, to: "db").name == "L5432-2")
        #expect(try document.addForward(spec, to: "db").name == "L5432-3")
    }

    @Test func namesThatWouldNotSurviveTheCommandLineAreRefused() throws {
        var document = try documentWithDB()
        for (name, problem) in [("a/b", "it contains '/', which separates server and forward names"), ("", "it is empty"), ("-x", "it starts with '-'"), ("a b", "it contains a space or a control character")] {
            #expect(throws: SluiceError.invalidName(kind: "server", name: name, problem: problem).self) {
                try document.addServer(Server(name: name, destination: Destination(user: nil, host: "h", port: nil)))
            }
        }
        #expect(throws: SluiceError.self) {
            try document.addForward(try ForwardSpec(parsing: "1", kind: .local), to: "db", name: "x/y")
        }
    }

    @Test func unknownNamesListWhatExists() throws {
        var document = try documentWithDB()
        try document.addForward(try ForwardSpec(parsing: "1080", kind: .dynamic), to: "db")
        #expect(throws: SluiceError.unknownServer("dbb", known: ["db"])) { try document.removeServer(named: "dbb") }
        #expect(throws: SluiceError.unknownForward(server: "db", forward: "L1", known: ["D1080"])) {
            try document.setEnabled(true, for: ForwardReference(server: "db", forward: "L1"))
        }
        #expect(SluiceError.unknownServer("dbb", known: ["db"]).description == "no server named 'dbb' (saved servers: db)")
    }

    @Test func enablingReportsWhetherAnythingChanged() throws {
        var document = try documentWithDB()
        try document.addForward(try ForwardSpec(parsing: "1080", kind: .dynamic), to: "db", enabled: false)
        let reference = ForwardReference(server: "db", forward: "D1080")
        #expect(try document.setEnabled(true, for: reference))
        #expect(try !document.setEnabled(true, for: reference))
        #expect(try document.server(named: "db").forwards[0].enabled)
    }

    @Test func listenConflictsFindForwardsCompetingForAPort() throws {
        var document = try documentWithDB()
        try document.addServer(Server(name: "web", destination: try Destination(parsing: "web")))
        try document.addForward(try ForwardSpec(parsing: "8080:a:80", kind: .local), to: "db")
        try document.addForward(try ForwardSpec(parsing: "9000:a:80", kind: .reverse), to: "db")
        try document.addForward(try ForwardSpec(parsing: "0:a:80", kind: .reverse), to: "db")
        // Same local port on another server: conflicts on this machine.
        #expect(document.listenConflicts(with: try ForwardSpec(parsing: "8080", kind: .dynamic), on: "web") == [ForwardReference(server: "db", forward: "L8080")])
        // A wildcard bind overlaps loopback.
        #expect(document.listenConflicts(with: try ForwardSpec(parsing: "*:8080:b:80", kind: .local), on: "web").count == 1)
        // Another loopback address does not.
        #expect(document.listenConflicts(with: try ForwardSpec(parsing: "127.0.0.2:8080:b:80", kind: .local), on: "web").isEmpty)
        // A reverse port is per server, and never clashes with a local one.
        #expect(document.listenConflicts(with: try ForwardSpec(parsing: "9000:b:80", kind: .reverse), on: "web").isEmpty)
        #expect(document.listenConflicts(with: try ForwardSpec(parsing: "9000:b:80", kind: .reverse), on: "db").count == 1)
        #expect(document.listenConflicts(with: try ForwardSpec(parsing: "9000", kind: .local), on: "db").isEmpty)
        // Port 0 lets the server pick: never a conflict.
        #expect(document.listenConflicts(with: try ForwardSpec(parsing: "0:c:1", kind: .reverse), on: "db").isEmpty)
    }
}
