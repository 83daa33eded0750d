import SluiceCore
import Testing

/// Random and mutated text through the command line's parsers: forward
/// specs, destinations and jump chains. Each either refuses with one safe,
/// short line or accepts something that obeys every rule and prints back
/// to itself. Seeded: a failure repeats, with its input in the message.
@Suite struct ForwardSpecFuzzTests {
    static let seeds = [
        "5432", "15432:5432", "5432:localhost:5432", "127.0.0.1:15432:db.internal:5432", "*:8080:web:80",
        ":8080:web:80", "[::1]:8080:[fe80::1%eth0]:80", "0:127.0.0.1:3000", "0.0.0.0:1080", "[::1]:1080",
        "8080:/run/app.sock", "-L 5432:localhost:5432", "-D1080", "-R 8080:127.0.0.1:3000",
    ].map { Array($0.utf8) }

    static let destinationSeeds = [
        "db", "deploy@db.example.com:2222", "ssh://root@10.0.0.5:22/", "me@corp@jump.example.com", "[::1]:2222",
        "root@::1", "bastion,ops@inner:2222", "ssh://a:1/,b,c", "none", "ssh://ssh://u@h",
    ].map { Array($0.utf8) }

    /// A refusal: one line, nothing a terminal would obey, short enough to read.
    static func isSafeMessage(_ message: String) -> Bool {
        !message.contains("\n") && !TerminalText.hasUnsafeCharacters(message) && message.count < 700
    }

    @Test func specsParseToValidSpecsOrRefuseWithOneSafeLine() {
        var mutator = Mutator(seed: 0x5EC5)
        for round in 0..<15_000 {
            let bytes = round % 5 == 0 ? mutator.random(pieces: mutator.int(0..<12)) : mutator.mutate(mutator.pick(Self.seeds), others: Self.seeds)
            let text = String(decoding: bytes, as: UTF8.self)
            for kind in ForwardKind.allCases {
                check(text, kind: kind)
            }
            checkFlagged(text)
        }
    }

    @Test func destinationsAndJumpChainsParseBackOrRefuseWithOneSafeLine() {
        var mutator = Mutator(seed: 0xDE57)
        for round in 0..<25_000 {
            let bytes = round % 5 == 0 ? mutator.random(pieces: mutator.int(0..<10)) : mutator.mutate(mutator.pick(Self.destinationSeeds), others: Self.destinationSeeds)
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let destination = try Destination(parsing: text)
                #expect(destination.problem() == nil, "\(text.debugDescription)")
                #expect((try? Destination(parsing: destination.description)) == destination, "\(text.debugDescription) printed as \(destination.description.debugDescription)")
            } catch {
                #expect(Self.isSafeMessage(error.description), "\(text.debugDescription): \(error.description.debugDescription)")
            }
            do {
                if let chain = try JumpChain(parsing: text) {
                    #expect(chain.hops.allSatisfy { $0.problem() == nil }, "\(text.debugDescription)")
                    #expect((try? JumpChain(parsing: chain.description)) == chain, "\(text.debugDescription) printed as \(chain.description.debugDescription)")
                }
            } catch {
                #expect(Self.isSafeMessage(error.description), "\(text.debugDescription): \(error.description.debugDescription)")
            }
        }
    }

    private func check(_ text: String, kind: ForwardKind) {
        do {
            let spec = try ForwardSpec(parsing: text, kind: kind)
            #expect(spec.kind == kind)
            #expect(spec.problem() == nil, "\(kind.flag) \(text.debugDescription)")
            #expect(!TerminalText.hasUnsafeCharacters(spec.description), "\(kind.flag) \(text.debugDescription)")
            #expect((try? ForwardSpec(parsing: spec.argument, kind: kind)) == spec, "\(kind.flag) \(text.debugDescription) printed as \(spec.argument.debugDescription)")
            #expect((try? ForwardSpec(parsingFlagged: spec.description)) == spec, "\(spec.description.debugDescription)")
        } catch {
            #expect(error.kind == kind)
            #expect(Self.isSafeMessage(error.description), "\(kind.flag) \(text.debugDescription): \(error.description.debugDescription)")
        }
    }

    private func checkFlagged(_ text: String) {
        do {
            let spec = try ForwardSpec(parsingFlagged: text)
            #expect(spec.problem() == nil, "\(text.debugDescription)")
        } catch {
            #expect(Self.isSafeMessage(error.description), "\(text.debugDescription): \(error.description.debugDescription)")
        }
    }
}
