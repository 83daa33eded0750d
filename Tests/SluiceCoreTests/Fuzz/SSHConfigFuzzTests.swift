import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// Random and mutated ssh configs (with Includes of mutated files too):
/// reading either refuses with an SSHConfigError (one safe line) or gives
/// settings for every host that agree whether hosts are looked up
/// together or one at a time; importing them saves only servers that keep
/// every rule, into a document that writes back to itself. Seeded.
@Suite struct SSHConfigFuzzTests {
    static let seeds = [
        """
        # A user's ssh config
        Include conf.d/*.conf
        Host db db-alias
            HostName db.internal.example.com
            User deploy
            Port 2222
            IdentityFile ~/.ssh/id_db
            ProxyJump bastion,ops@inner:2200
            LocalForward 5432 localhost:5432
            LocalForward 127.0.0.1:16379 cache.internal:6379
            DynamicForward 1080
        Host web
            Hostname=%h.example.com
            RemoteForward 8080 127.0.0.1:3000
            RemoteForward [::1]:9090 [::1]:9090
            RemoteForward 1081
        Host *.example.com !db.example.com
            User wildcard
        Match host db exec "true"
            User from-match
        Match all
            Port 22
        Host *
            User "everyone else"
            ProxyJump none
        """,
        "Host a\r\n  HostName 10.0.0.1\r\n  LocalForward 1 h:2\r\nHost b c\n  User=x\n",
        "host\tq?\n\tport 65535\n\tlocalforward \"[fe80::1%eth0]:80\" \"h:80\"\nHost q1 q2\n",
    ].map { Array($0.utf8) }

    static func isSafeMessage(_ message: String) -> Bool {
        !message.contains("\n") && !TerminalText.hasUnsafeCharacters(message) && message.count < 5_000
    }

    @Test func mutatedConfigsReadImportAndAgreeOrRefuseWithOneSafeLine() throws {
        let home = try TemporaryDirectory(prefix: "sluice-fuzz-config")
        var mutator = Mutator(seed: 0x55C0)
        var imported = 0
        for round in 0..<5_000 {
            // The included file changes now and then, so Includes meet
            // broken files as well.
            if round % 10 == 0 {
                let included = mutator.mutate(Array("Host inc\n  HostName inc.example.com\n  LocalForward 7000 h:7000\n".utf8), others: Self.seeds, most: 4)
                try FileManager.default.createDirectory(atPath: home.file(".ssh/conf.d"), withIntermediateDirectories: true)
                try Data(included).write(to: URL(fileURLWithPath: home.file(".ssh/conf.d/a.conf")))
            }
            let bytes = round % 7 == 0 ? mutator.random(pieces: mutator.int(0..<40)) : mutator.mutate(mutator.pick(Self.seeds), others: Self.seeds)
            let text = String(decoding: bytes, as: UTF8.self)
            let shown = String(text.prefix(400)).debugDescription
            let config: SSHConfig
            do {
                config = try SSHConfig(text: text, home: home.path)
            } catch {
                #expect(Self.isSafeMessage(error.description), "\(shown): \(error.description.debugDescription)")
                continue
            }
            for warning in config.warnings {
                #expect(Self.isSafeMessage(warning), "\(shown): \(warning.debugDescription)")
            }
            let aliases = config.aliases
            let together = config.settings(for: aliases)
            #expect(together.map(\.alias) == aliases, "\(shown)")
            for problem in together.flatMap(\.problems) {
                #expect(Self.isSafeMessage(problem), "\(shown): \(problem.debugDescription)")
            }
            for (alias, settings) in zip(aliases, together).prefix(8) {
                #expect(config.settings(for: alias) == settings, "\(shown): \(alias.debugDescription)")
            }
            // Both ways of saving a host keep every rule of the store.
            for destination in [SSHImportDestination.resolved, .alias] {
                var document = StoreDocument()
                let outcomes = document.importHosts(together, destination: destination)
                #expect(outcomes.count == aliases.count)
                for outcome in outcomes {
                    if case let .skipped(alias, reason) = outcome {
                        #expect(Self.isSafeMessage(reason), "\(shown): \(alias.debugDescription) \(reason.debugDescription)")
                    } else if destination == .resolved {
                        imported += 1
                    }
                }
                for server in document.servers {
                    #expect(throws: Never.self, "\(shown)") { try server.validate() }
                    for forward in server.forwards {
                        #expect(throws: Never.self, "\(shown)") { try server.validate(forward) }
                    }
                }
                #expect((try? StoreDocument(parsing: document.jsonText, path: "again")) == document, "\(shown)")
                // Importing again changes nothing.
                let before = document
                _ = document.importHosts(together, destination: destination)
                #expect(document == before, "\(shown)")
            }
        }
        #expect(imported > 2_000, "only \(imported) hosts imported")
    }
}
