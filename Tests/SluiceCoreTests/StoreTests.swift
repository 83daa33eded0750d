import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct StoreTests {
    static func sampleDocument() throws -> StoreDocument {
        var document = StoreDocument()
        try document.addServer(Server(name: "db", destination: try Destination(parsing: "deploy@db.example.com:2222"), identityFile: "~/.ssh/id_db", jumpHost: "bastion"))
        try document.addServer(Server(name: "web", destination: try Destination(parsing: "web")))
        try document.addForward(try ForwardSpec(parsing: "5432:localhost:5432", kind: .local), to: "db")
        try document.addForward(try ForwardSpec(parsing: "[::1]:1080", kind: .dynamic), to: "db", enabled: false)
        try document.addForward(try ForwardSpec(parsing: "0:127.0.0.1:3000", kind: .reverse), to: "web", name: "hook")
        return document
    }

    @Test func savedDocumentReadsBackEqual() throws {
        let folder = try TemporaryDirectory()
        let store = Store(path: folder.file("forwards.json"))
        let document = try Self.sampleDocument()
        try store.update { $0 = document }
        #expect(try store.load() == document)
    }

    @Test func fileIsStableHumanReadableJSONWithVersionFirst() throws {
        let folder = try TemporaryDirectory()
        let store = Store(path: folder.file("forwards.json"))
        try store.update { $0 = try Self.sampleDocument() }
        let text = try folder.read("forwards.json")
        #expect(text.hasPrefix("{\n  \"version\": 1,\n  \"servers\": [\n    {\n      \"name\": \"db\",\n      \"destination\": \"deploy@db.example.com:2222\","))
        #expect(text.contains("\"listen\": {\n            \"port\": 5432\n          },"))
        // Saving the same document again writes the same bytes.
        let document = try store.load()
        try AtomicFile.write(document.jsonText, to: store.path)
        #expect(try folder.read("forwards.json") == text)
    }

    @Test func absentFileIsAnEmptyStoreAndFoldersAreCreatedPrivate() throws {
        let folder = try TemporaryDirectory()
        let store = Store(path: folder.file("deeper/sluice/forwards.json"))
        #expect(try store.load() == StoreDocument())
        try store.update { try $0.addServer(Server(name: "a", destination: Destination(user: nil, host: "a", port: nil))) }
        var info = stat()
        stat(folder.file("deeper/sluice"), &info)
        #expect(info.st_mode & 0o777 == 0o700)
    }

    @Test func fileIsWrittenWithMode0600AndNoTemporaryFilesRemain() throws {
        let folder = try TemporaryDirectory()
        let store = Store(path: folder.file("forwards.json"))
        umask(0o022)
        for index in 0..<5 {
            try store.update { try $0.addServer(Server(name: "s\(index)", destination: Destination(user: nil, host: "h\(index)", port: nil))) }
        }
        var info = stat()
        stat(store.path, &info)
        #expect(info.st_mode & 0o777 == 0o600)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["forwards.json", "forwards.json.lock"])
    }

    /// A writer killed mid-write leaves its temporary file; the next
    /// writer, holding the lock, removes it and nothing else.
    @Test func temporaryFilesOfAKilledWriterAreRemovedByTheNextWriter() throws {
        let folder = try TemporaryDirectory()
        let store = Store(path: folder.file("forwards.json"))
        try store.update { try $0.addServer(Server(name: "a", destination: Destination(user: nil, host: "a", port: nil))) }
        let stale = [".forwards.json.Ab3xYz", ".forwards.json.000000"]
        let unrelated = [".forwards.json.Ab3xY", ".forwards.json.Ab3xYz1", ".forwards.json.Ab-xYz", ".other.json.Ab3xYz",
                         "forwards.json.Ab3xYz", ".forwards.json.bak", "notes.txt"]
        for name in stale + unrelated { try folder.write(name, "{\"version\": 1, \"servers\": [") }
        try FileManager.default.createDirectory(atPath: folder.file(".forwards.json.Dir123"), withIntermediateDirectories: false)
        symlink(folder.file("notes.txt"), folder.file(".forwards.json.Lnk123"))
        try store.update { try $0.addServer(Server(name: "b", destination: Destination(user: nil, host: "b", port: nil))) }
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(names == Set(unrelated + ["forwards.json", "forwards.json.lock", ".forwards.json.Dir123", ".forwards.json.Lnk123"]))
        #expect(try store.load().servers.map(\.name) == ["a", "b"])
    }

    @Test func leftoversBesideASymlinkedStoresTargetAreRemoved() throws {
        let folder = try TemporaryDirectory()
        try folder.write("dotfiles/forwards.json", "{\"version\": 1, \"servers\": []}\n")
        try folder.write("dotfiles/.forwards.json.Zz9Yy8", "half")
        try folder.write("dotfiles/.link.json.Zz9Yy8", "not ours")
        symlink(folder.file("dotfiles/forwards.json"), folder.file("link.json"))
        try Store(path: folder.file("link.json")).update { try $0.addServer(Server(name: "a", destination: Destination(user: nil, host: "a", port: nil))) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("dotfiles")).sorted() == [".link.json.Zz9Yy8", "forwards.json"])
    }

    @Test func writeReplacesTheFileInOneStepNeverInPlace() throws {
        let folder = try TemporaryDirectory()
        let store = Store(path: folder.file("forwards.json"))
        try store.update { try $0.addServer(Server(name: "a", destination: Destination(user: nil, host: "a", port: nil))) }
        // A reader holding the old file keeps seeing the old, complete contents:
        // the new version is a new file renamed over the name.
        let oldHandle = try FileHandle(forReadingFrom: URL(fileURLWithPath: store.path))
        var before = stat()
        stat(store.path, &before)
        try store.update { try $0.addServer(Server(name: "b", destination: Destination(user: nil, host: "b", port: nil))) }
        var after = stat()
        stat(store.path, &after)
        #expect(before.st_ino != after.st_ino)
        let oldText = String(decoding: oldHandle.readDataToEndOfFile(), as: UTF8.self)
        #expect(try StoreDocument(parsing: oldText, path: "old").servers.map(\.name) == ["a"])
        #expect(try store.load().servers.map(\.name) == ["a", "b"])
    }

    @Test func writingThroughASymlinkKeepsTheLink() throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder.file("dotfiles"), withIntermediateDirectories: true)
        try folder.write("dotfiles/forwards.json", "{\"version\": 1, \"servers\": []}\n")
        symlink(folder.file("dotfiles/forwards.json"), folder.file("forwards.json"))
        let store = Store(path: folder.file("forwards.json"))
        try store.update { try $0.addServer(Server(name: "a", destination: Destination(user: nil, host: "a", port: nil))) }
        let destination = try FileManager.default.destinationOfSymbolicLink(atPath: store.path)
        #expect(destination == folder.file("dotfiles/forwards.json"))
        #expect(try folder.read("dotfiles/forwards.json").contains("\"name\": \"a\""))
    }

    @Test func brokenFileIsNeverOverwrittenAndTheErrorSaysWhere() throws {
        let folder = try TemporaryDirectory()
        let broken = "{\n  \"version\": 1,\n  \"servers\": [\n    {\"name\": \"db\" \"destination\": \"db\"}\n  ]\n}\n"
        try folder.write("forwards.json", broken)
        let store = Store(path: folder.file("forwards.json"))
        #expect(throws: StoreError.malformed(path: store.path, at: TextPosition(line: 4, column: 19), problem: "expected ',' or '}' but found '\"'")) {
            try store.update { try $0.addServer(Server(name: "new", destination: Destination(user: nil, host: "n", port: nil))) }
        }
        #expect(try folder.read("forwards.json") == broken)
        let message = StoreError.malformed(path: store.path, at: TextPosition(line: 4, column: 19), problem: "x").description
        #expect(message.contains("line 4, column 19"))
        #expect(message.contains("has not changed it"))
    }

    @Test(arguments: [
        ("{\"version\": 1, \"servers\": [{\"name\": \"db\", \"destination\": \"db\", \"forwards\": [\n{\"name\": \"x\", \"kind\": \"local\", \"enabled\": true, \"listen\": {\"port\": 70000}, \"target\": {\"host\": \"h\", \"port\": 1}}]}]}",
         2, 1, "forward 'db/x': local port 70000 is out of range (1-65535)"),
        ("{\"version\": 1, \"servers\": [\n  {\"name\": \"db\", \"destination\": \"db\", \"forwards\": [], \"identityfile\": \"k\"}]}",
         2, 71, "server 'db' has an unknown key \"identityfile\""),
        ("{\"version\": 1, \"servers\": [{\"name\": \"db\", \"destination\": \"db\", \"forwards\": [\n{\"name\": \"x\", \"kind\": \"sideways\", \"enabled\": true, \"listen\": {\"port\": 1}}]}]}",
         2, 23, "\"kind\" of forward 'db/x' is \"sideways\""),
        ("{\"version\": 1, \"servers\": [\n{\"name\": \"db\", \"destination\": \"db\", \"forwards\": []},\n{\"name\": \"db\", \"destination\": \"db2\", \"forwards\": []}]}",
         3, 1, "a server named 'db' already exists"),
        ("{\"version\": 1, \"servers\": [{\"name\": \"db\", \"destination\": \"db\", \"forwards\": [\n{\"name\": \"x\", \"kind\": \"local\", \"enabled\": \"yes\", \"listen\": {\"port\": 1}, \"target\": {\"host\": \"h\", \"port\": 1}}]}]}",
         2, 43, "\"enabled\" of forward 'db/x' should be true or false but is a string"),
        ("{\"servers\": []}", 1, 1, "the document has no \"version\""),
        ("[]", 1, 1, "the document should be an object but is a list"),
    ])
    func semanticProblemsNameTheLineAndWhatIsWrong(_ text: String, _ line: Int, _ column: Int, _ problem: String) throws {
        #expect {
            try StoreDocument(parsing: text, path: "f.json")
        } throws: { error in
            guard case let StoreError.invalid(_, position, message) = error else { return false }
            return position == TextPosition(line: line, column: column) && message.hasPrefix(problem)
        }
    }

    /// A change that would make the file larger than Sluice reads back is
    /// refused, and the file stays as it was.
    @Test func aStoreIsNeverWrittenLargerThanItCanBeRead() throws {
        let folder = try TemporaryDirectory()
        let store = Store(path: folder.file("forwards.json"), sizeLimit: 1 << 20)
        try store.update { try $0.addServer(Server(name: "db", destination: Destination(user: nil, host: "db", port: nil))) }
        let before = try folder.read("forwards.json")
        let forwards = (1...6_000).map { Forward(name: "L\($0)", spec: ForwardSpec(kind: .local, listen: Endpoint(host: nil, port: $0), target: Endpoint(host: "localhost", port: $0))) }
        #expect(throws: StoreError.unwritable(path: store.path, reason: "it would hold 1.5 MiB, more than the 1 MiB Sluice reads back")) {
            try store.update { $0.servers[0].forwards = forwards }
        }
        #expect(try folder.read("forwards.json") == before)
    }

    @Test func newerFormatIsRefusedNotDowngraded() throws {
        let folder = try TemporaryDirectory()
        let newer = StoreDocument.currentVersion + 1
        let text = "{\"version\": \(newer), \"servers\": [], \"profiles\": {}}\n"
        try folder.write("forwards.json", text)
        let store = Store(path: folder.file("forwards.json"))
        #expect(throws: StoreError.newerVersion(path: store.path, version: newer)) {
            try store.update { try $0.addServer(Server(name: "a", destination: Destination(user: nil, host: "a", port: nil))) }
        }
        #expect(try folder.read("forwards.json") == text)
    }

    @Test func failedChangeLeavesTheFileAlone() throws {
        let folder = try TemporaryDirectory()
        let store = Store(path: folder.file("forwards.json"))
        try store.update { $0 = try Self.sampleDocument() }
        let before = try folder.read("forwards.json")
        #expect(throws: SluiceError.duplicateServer("db")) {
            try store.update { document in
                try document.removeServer(named: "web")
                try document.addServer(Server(name: "db", destination: Destination(user: nil, host: "x", port: nil)))
            }
        }
        #expect(try folder.read("forwards.json") == before)
    }

    /// Many writers at once, each with its own lock file handle, as separate
    /// processes would have: every change must survive.
    @Test func concurrentWritersKeepEveryChange() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("forwards.json")
        try Store(path: path).update { try $0.addServer(Server(name: "db", destination: Destination(user: nil, host: "db", port: nil))) }
        let writers = 16, forwardsEach = 10
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            let store = Store(path: path)
            for index in 0..<forwardsEach {
                do {
                    let port = 10_000 + writer * 100 + index
                    try store.update { try $0.addForward(try ForwardSpec(parsing: String(port), kind: .local), to: "db") }
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        #expect(failures.all.isEmpty)
        let forwards = try Store(path: path).load().servers[0].forwards
        #expect(forwards.count == writers * forwardsEach)
        #expect(Set(forwards.map(\.name)).count == writers * forwardsEach)
    }

    @Test func defaultPathFollowsFlagThenEnvironmentThenXDGThenHome() {
        let home = ["HOME": "/home/ann"]
        #expect(Store.defaultPath(environment: home) == "/home/ann/.config/sluice/forwards.json")
        #expect(Store.defaultPath(environment: home.merging(["XDG_CONFIG_HOME": "/cfg"]) { $1 }) == "/cfg/sluice/forwards.json")
        #expect(Store.defaultPath(environment: home.merging(["XDG_CONFIG_HOME": "relative"]) { $1 }) == "/home/ann/.config/sluice/forwards.json")
        #expect(Store.defaultPath(environment: home.merging(["SLUICE_STORE": "~/s.json", "XDG_CONFIG_HOME": "/cfg"]) { $1 }) == "/home/ann/s.json")
        #expect(Store.defaultPath(explicit: "/x/y.json", environment: home.merging(["SLUICE_STORE": "/z.json"]) { $1 }) == "/x/y.json")
    }
}

/// Collects messages from concurrent work.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func add(_ message: String) {
        lock.lock()
        messages.append(message)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return messages
    }
}
