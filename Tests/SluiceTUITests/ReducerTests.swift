import Foundation
import SluiceCore
@testable import SluiceTUI
import Testing

@Suite("Keys to actions and effects")
struct ReducerTests {
    typealias F = ScreenFixtures

    private func press(_ keys: [Key], on state: inout AppState, at time: ContinuousClock.Instant = F.keyTime) -> [Effect] {
        keys.flatMap { state.reduce(.key($0, at: time)) }
    }

    private func type(_ text: String) -> [Key] { text.map { Key.character($0) } }

    @Test func spaceOnAForwardSwitchesItAndSavesTheStore() {
        var state = F.busy
        state.selectedForward = "metrics"
        let effects = press([.space], on: &state)
        let reference = ForwardReference(server: "db", forward: "metrics")
        #expect(effects == [.save(.setEnabled(reference, true))])
        #expect(state.servers[0].forward(named: "metrics")?.enabled == true)
        #expect(press([.space], on: &state) == [.save(.setEnabled(reference, false))])
        #expect(state.servers[0].forward(named: "metrics")?.enabled == false)
    }

    @Test func spaceOnAServerGoesToItsForwards() {
        var state = F.busy
        state.focus = .servers
        #expect(press([.down, .space], on: &state).isEmpty)
        #expect(state.focus == .forwards)
        #expect(state.currentServer?.name == "staging")
        #expect(state.currentForward?.name == "web")
    }

    @Test func movingStaysInsideTheLists() {
        var state = F.busy
        _ = press([.character("j"), .character("j"), .character("j"), .character("j"), .character("j"), .character("j"), .character("j")], on: &state)
        #expect(state.currentForward?.name == "metrics")
        _ = press(Array(repeating: .up, count: 10), on: &state)
        #expect(state.currentForward?.name == "postgres")
        _ = press([.character("h"), .character("k"), .character("G")], on: &state)
        #expect(state.focus == .servers)
        #expect(state.currentServer?.name == "db")
        _ = press([.tab], on: &state)
        #expect(state.focus == .forwards)
    }

    @Test func addingALocalForwardThroughTheForm() {
        var state = F.busy
        #expect(press([.character("a")], on: &state).isEmpty)
        guard case .forwardForm = state.overlay else { Issue.record("no form opened"); return }
        // Kind stays Local; skip the address, type the ports and target.
        var effects = press([.tab, .tab] + type("15432") + [.tab, .control("u")] + type("db.internal") + [.tab] + type("5432"), on: &state)
        #expect(effects == [.checkPort(host: "127.0.0.1", port: 1), .checkPort(host: "127.0.0.1", port: 15), .checkPort(host: "127.0.0.1", port: 154),
                            .checkPort(host: "127.0.0.1", port: 1543), .checkPort(host: "127.0.0.1", port: 15432)])
        effects = press([.enter], on: &state)
        let expected = Forward(name: "L15432", spec: F.spec("15432:db.internal:5432", .local))
        #expect(effects == [.save(.addForward(server: "db", expected))])
        #expect(state.overlay == nil)
        #expect(state.currentForward == expected)
        #expect(state.servers[0].forwards.last == expected)
    }

    @Test func theFormRefusesToSaveWhatIsIncomplete() {
        var state = F.busy
        let effects = press([.character("a"), .tab, .tab] + type("99999") + [.enter], on: &state)
        #expect(!effects.contains { if case .save = $0 { return true } else { return false } })
        guard case .forwardForm(let form) = state.overlay else { Issue.record("the form closed"); return }
        #expect(form.problem(in: .listenPort, strict: true) == "Use a port from 1 to 65535")
        #expect(form.problem(in: .targetPort, strict: true) == "Enter a port number")
        #expect(form.focus == .listenPort)
        #expect(press([.escape], on: &state).isEmpty)
        #expect(state.overlay == nil)
        #expect(state.servers == F.document.servers)
    }

    @Test func dynamicAndReverseFormsAskOnlyForWhatTheyNeed() {
        var state = F.busy
        _ = press([.character("a"), .right], on: &state)
        guard case .forwardForm(let reverse) = state.overlay else { Issue.record("no form"); return }
        #expect(reverse.kind == .reverse)
        #expect(reverse.fields == [.kind, .listenPort, .listenHost, .targetHost, .targetPort, .name])
        let effects = press([.tab] + type("0") + [.tab, .tab, .tab] + type("3000") + [.enter], on: &state)
        #expect(effects == [.save(.addForward(server: "db", Forward(name: "R0", spec: F.spec("0:127.0.0.1:3000", .reverse))))])
        _ = press([.character("a"), .left], on: &state)
        guard case .forwardForm(let dynamic) = state.overlay else { Issue.record("no form"); return }
        #expect(dynamic.fields == [.kind, .listenHost, .listenPort, .name])
        let saved = press([.tab, .tab] + type("1081") + [.tab] + type("proxy") + [.enter], on: &state)
        #expect(saved == [.checkPort(host: "127.0.0.1", port: 1), .checkPort(host: "127.0.0.1", port: 10), .checkPort(host: "127.0.0.1", port: 108),
                          .checkPort(host: "127.0.0.1", port: 1081),
                          .save(.addForward(server: "db", Forward(name: "proxy", spec: F.spec("1081", .dynamic))))])
    }

    @Test func editingAForwardKeepsItsSwitchAndPlace() {
        var state = F.busy
        state.selectedForward = "redis"
        _ = press([.character("e")], on: &state)
        guard case .forwardForm(let form) = state.overlay else { Issue.record("no form"); return }
        #expect(form.listenPort.text == "6379")
        let effects = press([.backspace] + type("80"), on: &state)
        #expect(effects.last == .checkPort(host: "127.0.0.1", port: 63780))
        let saved = press([.backspace, .backspace] + type("8") + [.enter], on: &state)
        let reference = ForwardReference(server: "db", forward: "redis")
        #expect(saved.last == .save(.editForward(reference, to: Forward(name: "redis", spec: F.spec("6378:127.0.0.1:6379", .local)))))
        #expect(state.servers[0].forwards[3].name == "redis")
        #expect(state.servers[0].forwards[3].spec.listen.port == 6378)
        #expect(state.servers[0].forwards[3].enabled)
    }

    @Test func noPortCheckForTheForwardsOwnPort() {
        var state = F.busy
        _ = press([.character("e")], on: &state)
        #expect(press([.backspace] + type("2"), on: &state) == [.checkPort(host: "127.0.0.1", port: 543)])
    }

    @Test func deletingAsksFirst() {
        var state = F.busy
        #expect(press([.character("d")], on: &state).isEmpty)
        #expect(state.overlay == .confirm(.deleteForward(ForwardReference(server: "db", forward: "postgres"))))
        #expect(press([.character("n")], on: &state).isEmpty)
        #expect(state.servers[0].forwards.count == 6)
        let effects = press([.character("d"), .character("y")], on: &state)
        #expect(effects == [.save(.removeForward(ForwardReference(server: "db", forward: "postgres")))])
        #expect(state.servers[0].forwards.count == 5)
        #expect(state.currentForward?.name == "socks")
        let server = press([.character("h"), .character("d"), .character("y")], on: &state)
        #expect(server == [.save(.removeServer(name: "db"))])
        #expect(state.currentServer?.name == "staging")
    }

    /// Forwards switched on outlive the screen unless the user says stop.
    @Test func quittingAsksWhetherToKeepForwardsRunning() {
        var state = F.busy
        #expect(press([.character("q")], on: &state).isEmpty)
        #expect(state.overlay == .confirm(.quit(on: 7)))
        #expect(press([.escape], on: &state).isEmpty)
        #expect(state.overlay == nil && !state.isQuitting)
        #expect(press([.character("q"), .enter], on: &state) == [.quit(stopForwards: false)])
        #expect(state.isQuitting && !state.stopsForwardsOnQuit)

        var stopping = F.busy
        #expect(press([.control("c"), .character("s")], on: &stopping) == [.quit(stopForwards: true)])
        #expect(stopping.isQuitting && stopping.stopsForwardsOnQuit)

        var nothingOn = AppState(document: StoreDocument(), now: F.now)
        #expect(press([.character("q")], on: &nothingOn) == [.quit(stopForwards: false)])
    }

    /// A question answered on another screen closes here; the next one's
    /// guard starts when it comes on screen.
    @Test func aQuestionAnsweredElsewhereCloses() {
        var state = F.busy
        let prompt = Prompt.password(user: "u", host: "h")
        _ = state.reduce(.prompt(id: 1, server: "db", prompt, at: F.keyTime))
        _ = state.reduce(.prompt(id: 2, server: "db", prompt, at: F.keyTime))
        _ = state.reduce(.prompt(id: 2, server: "db", prompt, at: F.keyTime))
        #expect(state.prompts.map(\.id) == [1, 2], "a question seen twice is shown once")
        let later = F.keyTime.advanced(by: .seconds(3))
        _ = state.reduce(.promptWithdrawn(id: 1, at: later))
        #expect(state.prompts.map(\.id) == [2])
        #expect(state.prompts[0].shownSince == later)
        _ = state.reduce(.promptWithdrawn(id: 7, at: later))
        #expect(state.prompts.map(\.id) == [2])
    }

    @Test func connectSwitchesAllOfAServersForwards() {
        var state = F.busy
        state.focus = .servers
        #expect(press([.character("c")], on: &state) == [.save(.setAllEnabled(server: "db", false))])
        #expect(state.servers[0].forwards.allSatisfy { !$0.enabled })
        #expect(press([.character("c")], on: &state) == [.save(.setAllEnabled(server: "db", true))])
        #expect(state.servers[0].forwards.allSatisfy { $0.enabled })
        #expect(press([.character("r")], on: &state) == [.retry(server: "db")])
    }

    @Test func addingAServer() {
        var state = AppState(document: StoreDocument(), now: F.now)
        let effects = press([.character("A")] + type("db") + [.tab] + type("me@db.example.com:2222") + [.tab] + type("~/.ssh/db_key") + [.enter], on: &state)
        let server = Server(name: "db", destination: Destination(user: "me", host: "db.example.com", port: 2222), identityFile: "~/.ssh/db_key")
        #expect(effects == [.save(.addServer(server))])
        #expect(state.currentServer == server)
        #expect(state.focus == .forwards)
        let duplicate = press([.character("A")] + type("db") + [.tab] + type("other") + [.enter], on: &state)
        #expect(duplicate.isEmpty)
        guard case .serverForm(let form) = state.overlay else { Issue.record("the form closed"); return }
        // Refused before the store is asked: the name field says why.
        #expect(form.focus == .name)
        #expect(form.rows(document: state.document)[0].error == "A server named db exists already; choose another name")
    }

    private let hostKey = Prompt.unknownHostKey(host: "lab", keyType: "ssh-ed25519", fingerprint: "SHA256:pV2mQeXyD3Kx4z1o7Qm5S0c9bQ1c2Yf3nq8o0m3xX3E")

    @Test func hostKeyQuestionTakesOnlyTheWords() {
        var state = F.busy
        _ = state.reduce(.prompt(id: 7, server: "lab", hostKey, at: F.questionTime))
        _ = state.reduce(.prompt(id: 8, server: "lab", hostKey, at: F.questionTime))
        _ = state.reduce(.prompt(id: 9, server: "lab", hostKey, at: F.questionTime))
        _ = state.reduce(.prompt(id: 10, server: "lab", hostKey, at: F.questionTime))
        // Keys meant for the main screen do nothing while a question is open.
        #expect(press([.character("q"), .space, .enter], on: &state).isEmpty)
        #expect(state.prompts.count == 4)
        // A letter is no answer: Enter asks again, with a hint.
        #expect(press([.character("y"), .enter], on: &state).isEmpty)
        #expect(state.prompts.first?.id == 7)
        #expect(state.prompts.first?.isAnswerUnclear == true)
        #expect(state.prompts.first?.fields.first?.text == "")
        #expect(press(type("yes") + [.enter], on: &state) == [.answer(promptID: 7, .acceptAndSaveHostKey)])
        #expect(state.events.last?.text == "Trusted lab's host key and saved it to known_hosts.")
        // The next one opened with that Enter: its keys count from then.
        let next = F.keyTime + .seconds(1)
        #expect(press(type(" Once ") + [.enter], on: &state, at: next) == [.answer(promptID: 8, .acceptHostKeyOnce)])
        #expect(press(type("no") + [.enter], on: &state, at: next + .seconds(1)) == [.answer(promptID: 9, .cancelled)])
        #expect(press([.escape], on: &state, at: next + .seconds(2)) == [.answer(promptID: 10, .cancelled)])
        #expect(state.prompts.isEmpty)
    }

    @Test func pastingTheFingerprintTrustsAndSavesAsOpenSSHDoes() {
        var state = F.busy
        _ = state.reduce(.prompt(id: 1, server: "lab", hostKey, at: F.questionTime))
        #expect(press(type("SHA256:pV2mQeXyD3Kx4z1o7Qm5S0c9bQ1c2Yf3nq8o0m3xX3E") + [.enter], on: &state) == [.answer(promptID: 1, .acceptAndSaveHostKey)])
        _ = state.reduce(.prompt(id: 2, server: "lab", hostKey, at: F.questionTime))
        #expect(press(type("SHA256:pV2mQeXyD3Kx4z1o7Qm5S0c9bQ1c2Yf3nq8o0m3xX3F") + [.enter], on: &state).isEmpty)
        #expect(state.prompts.first?.isAnswerUnclear == true)
    }

    @Test func keysWithinHalfASecondOfAQuestionAreIgnored() {
        var state = F.busy
        let opened = F.questionTime
        _ = state.reduce(.prompt(id: 1, server: "lab", hostKey, at: opened))
        // Typed right as it appeared: "yes" and Enter, Esc, even at 0.499 s.
        #expect(press(type("yes") + [.enter], on: &state, at: opened).isEmpty)
        #expect(press(type("yes") + [.enter, .escape], on: &state, at: opened + .milliseconds(300)).isEmpty)
        #expect(press([.enter], on: &state, at: opened + .milliseconds(499)).isEmpty)
        #expect(state.prompts.count == 1)
        #expect(state.prompts[0].fields[0].text == "")
        #expect(state.prompts[0].isAnswerUnclear == false)
        // From half a second on, the same keys answer.
        #expect(press(type("yes") + [.enter], on: &state, at: opened + .milliseconds(500)) == [.answer(promptID: 1, .acceptAndSaveHostKey)])
    }

    @Test func aYTypedBeforeTheQuestionOpenedSavesNothing() {
        var state = F.busy
        let opened = F.questionTime
        // On the main screen "y" copies an address; read before the
        // question came, it is not the question's answer.
        #expect(press([.character("y")], on: &state, at: opened - .milliseconds(10)) == [.copy("127.0.0.1:5432")])
        _ = state.reduce(.prompt(id: 1, server: "lab", hostKey, at: opened))
        // Read after the question came but stamped before it: still not an answer.
        #expect(press([.character("y"), .enter], on: &state, at: opened - .milliseconds(1)).isEmpty)
        #expect(state.prompts[0].fields[0].text == "")
        // Enter alone later is no answer either.
        #expect(press([.enter], on: &state).isEmpty)
        #expect(state.prompts.count == 1)
        #expect(state.prompts[0].isAnswerUnclear)
        #expect(!state.events.contains { $0.text.contains("Trusted") })
    }

    @Test func everyQuestionHasTheGuard() {
        var state = F.busy
        _ = state.reduce(.prompt(id: 1, server: "db", .password(user: "me", host: "db"), at: F.questionTime))
        // A filter typed for the screen must not become a password sent to the server.
        #expect(press(type("redis") + [.enter], on: &state, at: F.questionTime + .milliseconds(100)).isEmpty)
        #expect(state.prompts[0].fields[0].text == "")
        #expect(press(type("pw") + [.enter], on: &state) == [.answer(promptID: 1, .text("pw"))])
    }

    @Test func secretsAreTypedAndSentOnlyToTheEngine() {
        var state = F.busy
        _ = state.reduce(.prompt(id: 1, server: "db", .password(user: "me", host: "db"), at: F.questionTime))
        #expect(press(type("s3cret") + [.backspace] + type("T") + [.enter], on: &state) == [.answer(promptID: 1, .text("s3creT"))])
        #expect(!state.events.contains { $0.text.contains("s3cre") })
        let questions: [Prompt.Question] = [.init(text: "User:", echo: true), .init(text: "Code:", echo: false)]
        _ = state.reduce(.prompt(id: 2, server: "db", .keyboardInteractive(host: "db", name: "", instruction: "", questions: questions), at: F.questionTime))
        #expect(press(type("me") + [.enter] + type("123") + [.enter], on: &state) == [.answer(promptID: 2, .texts(["me", "123"]))])
    }

    @Test func filterNarrowsServersAndForwards() {
        var state = F.busy
        _ = press([.character("/")] + type("6379") + [.enter], on: &state)
        #expect(state.visibleServers.map(\.name) == ["db"])
        #expect(state.visibleForwards.map(\.name) == ["redis"])
        #expect(state.currentForward?.name == "redis")
        _ = press([.escape], on: &state)
        #expect(state.visibleServers.count == 4)
        _ = press([.character("/")] + type("STAG") + [.enter], on: &state)
        #expect(state.visibleServers.map(\.name) == ["staging"])
        #expect(state.visibleForwards.map(\.name) == ["web"])
    }

    @Test func statusBecomesEventsAndRates() {
        var state = AppState(document: F.document, now: F.now)
        var statuses = F.statuses
        _ = state.reduce(.status(statuses, at: F.now))
        #expect(state.events.contains { $0.text == "Forwarding 127.0.0.1:5432 -> localhost:5432 via db" })
        #expect(state.events.contains { $0.isProblem && $0.text.contains("redis-server") })
        statuses[0].forwards[0].bytesOut += 3_000_000
        _ = state.reduce(.status(statuses, at: F.now.addingTimeInterval(2)))
        #expect(state.rate(of: ForwardReference(server: "db", forward: "postgres")) == 1_500_000)
        #expect(state.needsTicks)
        _ = state.reduce(.tick(F.now.addingTimeInterval(4)))
        #expect(state.rate(of: ForwardReference(server: "db", forward: "postgres")) == 0)
    }

    @Test func aFailedSaveIsReportedAndTheFileWins() {
        var state = F.busy
        _ = press([.character("d"), .character("y")], on: &state)
        _ = state.reduce(.storeFailed(message: "cannot save the store /x: disk full", current: F.document))
        #expect(state.servers[0].forwards.count == 6)
        #expect(state.events.last?.text == "Not saved: cannot save the store /x: disk full")
        #expect(state.events.last?.isProblem == true)
    }

    @Test func everyKeyOfTheTableIsBoundOnce() {
        let keys = KeyMap.main.flatMap(\.keys)
        #expect(Set(keys).count == keys.count)
        for command in KeyMap.bar { #expect(KeyMap.binding(for: command) != nil) }
    }
}
