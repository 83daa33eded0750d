@testable import SluiceWebSocket
import Testing

/// `sluice.v2`: a connection that ends cleanly gives its WebSocket back.
@Suite struct RelayStateReuseTests {
    @Test func bothEndsReleaseTheWebSocketInsteadOfClosingIt() {
        var state = RelayState(halfClose: true, reusable: true)
        #expect(state.localEnded() == [.sendEndOfStream])
        #expect(state.agentEnded() == [.shutDownLocalOutput, .release])
        #expect(state.released)
        #expect(!state.sendsUp && !state.sendsDown)
    }

    @Test func theAgentEndingFirstReleasesOnTheClientsEOF() {
        var state = RelayState(halfClose: true, reusable: true)
        #expect(state.agentEnded() == [.shutDownLocalOutput])
        #expect(state.localEnded() == [.sendEndOfStream, .release])
    }

    @Test func nothingAfterTheReleaseTouchesTheWebSocket() {
        var state = RelayState(halfClose: true, reusable: true)
        _ = state.localEnded()
        _ = state.agentEnded()
        // The client's connection then closes; the WebSocket is another
        // client's by now.
        #expect(state.localClosed() == [])
        #expect(state.webSocketGone() == [])
        #expect(state.agentClosed(code: 1011, reason: "refused") == [])
        #expect(state.keepaliveExpired(seconds: 60) == [])
    }

    @Test func aClientThatLeavesBeforeBothEndsClosesTheWebSocket() {
        var state = RelayState(halfClose: true, reusable: true)
        _ = state.localEnded()
        #expect(state.localClosed() == [.sendClose(code: 1000, reason: "")])
        #expect(!state.released)
    }

    @Test func anAgentsCloseIsNotARelease() {
        var state = RelayState(halfClose: true, reusable: true)
        _ = state.localEnded()
        #expect(state.agentClosed(code: 1000, reason: "") == [.sendClose(code: 1000, reason: ""), .closeLocal])
        #expect(!state.released)
    }
}
