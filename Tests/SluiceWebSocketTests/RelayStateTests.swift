@testable import SluiceWebSocket
import Testing

/// The ends of a relayed stream, without sockets.
@Suite struct RelayStateTests {
    @Test func withSluiceV1TheClientsEOFIsAnEmptyFrameAndTheOtherDirectionGoesOn() {
        var state = RelayState(halfClose: true)
        #expect(state.localEnded() == [.sendEndOfStream])
        #expect(!state.sendsUp)
        #expect(state.sendsDown)
        // The agent's end: the client gets its FIN, and with both ends done
        // the WebSocket closes normally.
        #expect(state.agentEnded() == [.shutDownLocalOutput, .sendClose(code: 1000, reason: "")])
        #expect(state.agentClosed(code: 1000, reason: "") == [.closeLocal])
    }

    @Test func withSluiceV1TheAgentsEndFirstLeavesTheClientSending() {
        var state = RelayState(halfClose: true)
        #expect(state.agentEnded() == [.shutDownLocalOutput])
        #expect(state.sendsUp)
        #expect(state.localEnded() == [.sendEndOfStream, .sendClose(code: 1000, reason: "")])
    }

    @Test func withoutSluiceV1TheClientsEOFIsACloseAndAnEmptyFrameIsNoEnd() {
        var state = RelayState(halfClose: false)
        #expect(state.agentEnded() == [])
        #expect(state.sendsDown)
        #expect(state.localEnded() == [.sendClose(code: 1000, reason: "")])
        // Data the agent sent before answering the close still reaches the client.
        #expect(state.sendsDown)
        #expect(state.agentClosed(code: 1000, reason: "") == [.closeLocal])
    }

    @Test func a1011CloseClosesTheClientAndTellsTheAgentsReason() {
        var state = RelayState(halfClose: true)
        let reason = "connection refused by localhost:5432 in my-app/db"
        #expect(state.agentClosed(code: 1011, reason: reason) == [.report(reason), .sendClose(code: 1011, reason: ""), .closeLocal])
        #expect(state.localClosed() == [])
        #expect(state.agentClosed(code: 1000, reason: "") == [])
    }

    @Test func closeCodesThatMustNotBeSentAreAnsweredWith1000() {
        var state = RelayState(halfClose: false)
        #expect(state.agentClosed(code: nil, reason: "") == [.sendClose(code: 1000, reason: ""), .closeLocal])
        var other = RelayState(halfClose: false)
        #expect(other.agentClosed(code: 1005, reason: "").contains(.sendClose(code: 1000, reason: "")))
    }

    @Test func theClientLeavingClosesTheWebSocketOnce() {
        var state = RelayState(halfClose: true)
        #expect(state.localClosed() == [.sendClose(code: 1000, reason: "")])
        #expect(!state.sendsDown)
        #expect(state.localEnded() == [])
        #expect(state.agentClosed(code: 1000, reason: "") == [])
    }

    @Test func aDroppedLinkIsToldOnlyBeforeAClose() {
        var dropped = RelayState(halfClose: true)
        #expect(dropped.webSocketGone() == [.report("the connection to the agent dropped"), .closeLocal])
        var closed = RelayState(halfClose: true)
        _ = closed.localClosed()
        #expect(closed.webSocketGone() == [])
    }

    @Test func aTextFrameIsAProtocolErrorClosedWith1003() {
        var state = RelayState(halfClose: true)
        let actions = state.agentSentText()
        #expect(actions.contains(.sendClose(code: 1003, reason: "text frames are not data")))
        #expect(actions.contains(.closeLocal))
    }

    @Test func aSilentAgentIsDroppedWithoutAHandshake() {
        var state = RelayState(halfClose: true)
        #expect(state.keepaliveExpired(seconds: 60) == [.report("no answer from the agent for 60 s; closed the connection"), .dropWebSocket, .closeLocal])
        #expect(state.webSocketGone() == [])
    }

    @Test func closeCodesInWords() {
        #expect(RelayState.problem(code: 1000, reason: "bye") == nil)
        #expect(RelayState.problem(code: 1001, reason: "") == "the agent is going away (shutting down)")
        #expect(RelayState.problem(code: 1011, reason: "") == "the agent could not connect to the service")
        #expect(RelayState.problem(code: 1008, reason: "too many streams") == "the agent refused the stream (a limit or policy): too many streams")
        #expect(RelayState.problem(code: 4000, reason: "") == "the agent closed the stream with code 4000")
    }
}
