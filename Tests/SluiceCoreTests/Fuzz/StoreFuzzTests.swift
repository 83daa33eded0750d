import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Mutations of a valid store file: loading either refuses with a
/// StoreError (one safe line) or yields a document whose every server and
/// forward keeps the rules and which writes back to itself; and a file
/// that does not load is never changed by an update. Seeded.
@Suite struct StoreFuzzTests {
    static func seeds() throws -> [[UInt8]] {
        var document = StoreDocument()
        try document.addServer(Server(name: "db", destination: try Destination(parsing: "deploy@db.example.com:2222"),
                                      identityFile: "~/.ssh/id_db", jumpHost: "bastion,ops@inner:2222"))
        try document.addServer(Server(name: "web", destination: try Destination(parsing: "[::1]:22")))
        try document.addForward(try ForwardSpec(parsing: "5432:localhost:5432", kind: .local), to: "db")
        try document.addForward(try ForwardSpec(parsing: "[::1]:1080", kind: .dynamic), to: "db", enabled: false)
        try document.addForward(try ForwardSpec(parsing: "*:0:127.0.0.1:3000", kind: .reverse), to: "web", name: "hook")
        try document.addForward(try ForwardSpec(parsing: "127.0.0.2:8080:[fe80::1%eth0]:80", kind: .local), to: "web")
        let compact = #"{"version":1,"servers":[{"name":"a","destination":"a","jumpHost":null,"forwards":[{"name":"x","kind":"local","enabled":true,"listen":{"host":"","port":1},"target":{"host":"h","port":2}}]}]}"#
        return [Array(document.jsonText.utf8), Array(compact.utf8), Array(#"{"version": 1, "servers": []}"#.utf8)]
    }

    /// The seed with one string or number replaced by a mutation of it,
    /// still valid JSON.
    static func mutateValue(_ seed: [UInt8], with mutator: inout Mutator) -> [UInt8] {
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        // Numbers: runs of digits right after ':' or ': '.
        let numbers = seed.indices.dropFirst(2).filter { index in
            isDigit(seed[index]) && (seed[index - 1] == UInt8(ascii: ":") || (seed[index - 1] == UInt8(ascii: " ") && seed[index - 2] == UInt8(ascii: ":")))
        }
        if mutator.chance(4), !numbers.isEmpty {
            let start = mutator.pick(numbers)
            let end = seed[start...].firstIndex { !isDigit($0) } ?? seed.count
            let replacement = mutator.pick(["0", "-1", "65535", "65536", "1e3", "99999999999999999999", "2", "1.5"])
            return Array(seed[..<start]) + Array(replacement.utf8) + Array(seed[end...])
        }
        // Strings: from a quote to the next (the seeds hold no escaped quotes).
        let quotes = seed.indices.filter { seed[$0] == UInt8(ascii: "\"") }
        guard quotes.count >= 2 else { return seed }
        let pair = mutator.int(0..<quotes.count / 2) * 2
        let open = quotes[pair], close = quotes[pair + 1]
        let changed = String(decoding: mutator.mutate(Array(seed[(open + 1)..<close]), most: 3), as: UTF8.self)
        let quoted = JSONWriter.write(JSONValue(.string(changed))).dropLast()
        return Array(seed[..<open]) + Array(quoted.utf8) + Array(seed[(close + 1)...])
    }

    static func isSafeMessage(_ message: String) -> Bool {
        !message.contains("\n") && !TerminalText.hasUnsafeCharacters(message) && message.count < 800
    }

    @Test func mutatedStoresLoadValidOrRefuseAndAreNeverRewrittenWhenBroken() throws {
        let folder = try TemporaryDirectory(prefix: "sluice-fuzz-store")
        let path = folder.file("forwards.json")
        let store = Store(path: path)
        let seeds = try Self.seeds()
        var mutator = Mutator(seed: 0x570E)
        var loaded = 0, refused = 0
        for round in 0..<2_500 {
            // Half the files stay JSON with a value changed, so that the
            // values are tried, not only the JSON syntax.
            let seed = mutator.pick(seeds)
            let bytes = round % 2 == 0 ? Self.mutateValue(seed, with: &mutator) : mutator.mutate(seed, others: seeds, most: 3)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let shown = String(decoding: bytes.prefix(300), as: UTF8.self).debugDescription
            do throws(StoreError) {
                let document = try store.load()
                loaded += 1
                var names: Set<String> = []
                for server in document.servers {
                    #expect(names.insert(server.name).inserted, "\(shown)")
                    #expect(throws: Never.self, "\(shown)") { try server.validate() }
                    #expect(Set(server.forwards.map(\.name)).count == server.forwards.count, "\(shown)")
                    for forward in server.forwards {
                        #expect(throws: Never.self, "\(shown)") { try server.validate(forward) }
                    }
                }
                #expect((try? StoreDocument(parsing: document.jsonText, path: "again")) == document, "\(shown)")
            } catch {
                refused += 1
                #expect(Self.isSafeMessage(error.description), "\(shown): \(error.description.debugDescription)")
                #expect(throws: (any Error).self) {
                    try store.update { try $0.addServer(Server(name: "new", destination: Destination(user: nil, host: "new", port: nil))) }
                }
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes), "\(shown)")
            }
        }
        // Both ways were taken often enough for the run to mean something.
        #expect(loaded > 50 && refused > 1_000, "loaded \(loaded), refused \(refused)")
    }
}
