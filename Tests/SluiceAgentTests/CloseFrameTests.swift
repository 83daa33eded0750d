import SluiceAgent
import Testing

@Suite struct CloseFrameTests {
    @Test func reasonsAreCutToFitTheFrame() {
        let long = CloseFrame(code: 1011, reason: String(repeating: "é", count: 100))
        #expect(long.wireReason.utf8.count == 122)
        #expect(CloseFrame(code: 1011, reason: "short").wireReason == "short")
        #expect(CloseFrame(code: 1011, reason: String(repeating: "x", count: 123)).wireReason.count == 123)
    }

    @Test func onlySendableCodesAreEchoed() {
        #expect(CloseFrame.echo(of: 1000) == 1000)
        #expect(CloseFrame.echo(of: 4000) == 4000)
        #expect(CloseFrame.echo(of: 1005) == 1000)
        #expect(CloseFrame.echo(of: 1006) == 1000)
        #expect(CloseFrame.echo(of: nil) == 1000)
    }
}
