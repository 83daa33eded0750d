import SluiceCore
import Testing

@Suite struct PromptAnswerTests {
    static let fingerprint = "SHA256:pV2mQeXyD3Kx4z1o7Qm5S0c9bQ1c2Yf3nq8o0m3xX3E"

    @Test(arguments: [
        ("yes", PromptAnswer.acceptAndSaveHostKey), (" YES ", .acceptAndSaveHostKey), (fingerprint, .acceptAndSaveHostKey),
        ("once", .acceptHostKeyOnce), ("Once", .acceptHostKeyOnce),
        ("no", .cancelled), ("NO ", .cancelled), ("yes\r", .acceptAndSaveHostKey),
    ])
    func hostKeyWords(_ typed: String, _ answer: PromptAnswer) {
        #expect(PromptAnswer(hostKeyReply: typed, fingerprint: Self.fingerprint) == answer)
    }

    /// Letters and near misses are no answer: the question is asked again.
    @Test(arguments: ["", "y", "Y", "o", "n", "ye", "yess", "yes please", "sha256:pv2mqexyd3kx4z1o7qm5s0c9bq1c2yf3nq8o0m3xx3e", "SHA256:"])
    func anythingElseAsksAgain(_ typed: String) {
        #expect(PromptAnswer(hostKeyReply: typed, fingerprint: Self.fingerprint) == nil)
    }
}
