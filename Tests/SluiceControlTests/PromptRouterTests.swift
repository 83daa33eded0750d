import Foundation
import SluiceCore
import SluiceService
import SluiceSSH
import Testing

@Suite struct PromptRouterTests {
    private final class Asked: @unchecked Sendable {
        private let lock = NSLock()
        private var value: PromptAnswer?
        private let done = DispatchSemaphore(value: 0)

        func set(_ answer: PromptAnswer) {
            lock.lock()
            value = answer
            lock.unlock()
            done.signal()
        }

        func wait(seconds: Double = 5) -> PromptAnswer? {
            guard done.wait(timeout: .now() + seconds) == .success else { return nil }
            lock.lock()
            defer { lock.unlock() }
            return value
        }
    }

    private struct FixedTerminal: Prompter {
        func answer(_ prompt: Prompt, server: String) -> PromptAnswer { .text("typed on the terminal") }
    }

    private let question = Prompt.unknownHostKey(host: "db.example", keyType: "ED25519", fingerprint: "SHA256:x")

    private func ask(_ router: PromptRouter, server: String = "db") -> Asked {
        let asked = Asked()
        let prompt = question
        Thread { asked.set(router.answer(prompt, server: server)) }.start()
        return asked
    }

    private func waitForOpen(_ router: PromptRouter, count: Int = 1) -> Bool {
        for _ in 0..<500 where router.open.count < count { usleep(10_000) }
        return router.open.count == count
    }

    @Test func withAScreenAttachedTheQuestionWaitsForItsAnswer() throws {
        let router = PromptRouter(terminal: FixedTerminal(), waitForPerson: true) {}
        router.screenAttached()
        let asked = ask(router)
        #expect(waitForOpen(router))
        let id = try #require(router.open.first?.id)
        #expect(throws: PromptRouter.ReplyProblem.wrongKind, "a text is no answer to a host key") { try router.reply(id, .text("hunter2")) }
        try router.reply(id, .acceptAndSaveHostKey)
        #expect(asked.wait() == .acceptAndSaveHostKey)
        #expect(throws: PromptRouter.ReplyProblem.notOpen, "a second answer (another screen) is refused") { try router.reply(id, .cancelled) }
        #expect(router.open.isEmpty)
    }

    @Test func withNoScreenATerminalIsAsked() {
        let router = PromptRouter(terminal: FixedTerminal(), waitForPerson: true) {}
        #expect(ask(router).wait() == .text("typed on the terminal"))
    }

    @Test func withNobodyTheQuestionWaitsUntilAScreenAnswers() throws {
        let router = PromptRouter(terminal: nil, waitForPerson: true) {}
        let asked = ask(router)
        #expect(waitForOpen(router))
        #expect(asked.wait(seconds: 0.2) == nil, "still waiting")
        router.screenAttached()
        try router.reply(try #require(router.open.first?.id), .acceptHostKeyOnce)
        #expect(asked.wait() == .acceptHostKeyOnce)
    }

    @Test func scriptsThatWantAVerdictGetUnavailable() {
        let router = PromptRouter(terminal: nil, waitForPerson: false) {}
        #expect(ask(router).wait() == .unavailable)
        // Asked while a screen was there, which then left.
        router.screenAttached()
        let asked = ask(router)
        #expect(waitForOpen(router))
        router.screenDetached()
        #expect(asked.wait() == .unavailable)
    }

    @Test func removingAServerOrStoppingDeclinesItsQuestions() {
        let router = PromptRouter(terminal: nil, waitForPerson: true) {}
        let db = ask(router, server: "db")
        let web = ask(router, server: "web")
        #expect(waitForOpen(router, count: 2))
        router.cancel(server: "db")
        #expect(db.wait() == .cancelled)
        #expect(router.open.map(\.server) == ["web"])
        router.close()
        #expect(web.wait() == .cancelled)
        #expect(ask(router).wait() == .cancelled, "nothing is asked once closed")
    }
}
