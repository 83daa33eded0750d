@testable import SluiceAgent
import Testing

/// `sluice.v2`: one WebSocket, one connection to the target after another.
@Suite struct RelayStateMachineReuseTests {
    typealias Machine = RelayStateMachine

    func relaying() -> Machine {
        var machine = Machine(halfClose: true, reuse: true)
        _ = machine.targetConnected()
        return machine
    }

    @Test func bothEndsReleaseTheTargetAndKeepTheWebSocket() {
        var machine = relaying()
        #expect(machine.clientEnd() == [.shutdownTargetOutput])
        #expect(machine.targetEnd() == [.sendEnd, .releaseTarget])
        #expect(machine.phase == .idle)
        #expect(machine.closeSent == nil)
    }

    @Test func theTargetEndingFirstReleasesOnTheClientsEnd() {
        var machine = relaying()
        #expect(machine.targetEnd() == [.sendEnd])
        #expect(machine.clientEnd() == [.shutdownTargetOutput, .releaseTarget])
        #expect(machine.phase == .idle)
    }

    @Test func aTargetClosedWithoutItsFINAfterTheClientsEndIsAReleaseToo() {
        var machine = relaying()
        _ = machine.clientEnd()
        #expect(machine.targetGone(problem: nil) == [.sendEnd, .releaseTarget])
        #expect(machine.phase == .idle)
    }

    @Test func nextConnectsAgainAndTheNewConnectionEndsOnItsOwn() {
        var machine = relaying()
        _ = machine.clientEnd()
        _ = machine.targetEnd()
        #expect(machine.clientNext() == [.connectTarget])
        #expect(machine.phase == .connecting)
        #expect(machine.clientData() == .hold)
        #expect(machine.targetConnected() == [])
        #expect(machine.clientData() == .forward)
        #expect(machine.clientEnd() == [.shutdownTargetOutput])
        #expect(machine.targetEnd() == [.sendEnd, .releaseTarget])
    }

    @Test func aTargetThatRefusesTheNextConnectionCloses1011() {
        var machine = relaying()
        _ = machine.clientEnd()
        _ = machine.targetEnd()
        _ = machine.clientNext()
        #expect(machine.targetUnreachable("connection refused") == [.sendClose(CloseFrame(code: 1011, reason: "connection refused")), .closeTarget])
    }

    @Test func dataOrNextOutOfTurnIsAPolicyViolation() {
        var idle = relaying()
        _ = idle.clientEnd()
        _ = idle.targetEnd()
        guard case let .refuse(actions) = idle.clientData() else {
            Issue.record("data between connections was not refused")
            return
        }
        #expect(Self.closeCode(actions) == 1008)

        var busy = relaying()
        #expect(Self.closeCode(busy.clientNext()) == 1008)
    }

    @Test func anIdleWebSocketClosesOnTheClientsCloseAndOnShutdown() {
        var closedByClient = relaying()
        _ = closedByClient.clientEnd()
        _ = closedByClient.targetEnd()
        #expect(closedByClient.clientClose(code: 1000) == [.sendClose(CloseFrame(code: 1000)), .closeTarget, .closeClient])

        var stopped = relaying()
        _ = stopped.clientEnd()
        _ = stopped.targetEnd()
        #expect(stopped.agentStopping() == [.sendClose(CloseFrame(code: 1001, reason: "the agent is shutting down")), .closeTarget])
    }

    static func closeCode(_ actions: [Machine.Action]) -> UInt16? {
        guard case let .sendClose(frame)? = actions.first else { return nil }
        return frame.code
    }

    @Test func withoutSluiceV2BothEndsStillClose1000() {
        var machine = Machine(halfClose: true)
        _ = machine.targetConnected()
        _ = machine.clientEnd()
        #expect(machine.targetEnd() == [.sendEnd, .sendClose(CloseFrame(code: 1000)), .closeTarget])
        #expect(machine.clientNext() == [])
    }
}
