@testable import SluiceAgent
import Testing

/// Every way a stream ends, without a socket.
@Suite struct RelayStateMachineTests {
    typealias Machine = RelayStateMachine
    static let normal = CloseFrame(code: 1000)

    func relaying(halfClose: Bool) -> Machine {
        var machine = Machine(halfClose: halfClose)
        _ = machine.targetConnected()
        return machine
    }

    @Test func dataWaitsForTheTarget() {
        var machine = Machine(halfClose: true)
        #expect(machine.clientData() == .hold)
        #expect(machine.targetConnected() == [])
        #expect(machine.clientData() == .forward)
    }

    @Test func halfCloseEndsEachDirectionThenCloses1000() {
        var machine = relaying(halfClose: true)
        #expect(machine.clientEnd() == [.shutdownTargetOutput])
        #expect(machine.clientEnd() == [])
        #expect(machine.targetEnd() == [.sendEnd, .sendClose(Self.normal), .closeTarget])
        #expect(machine.phase == .closing)
        #expect(machine.clientClose(code: 1000) == [.closeClient])
        #expect(machine.phase == .closed)
    }

    @Test func theTargetMayEndFirst() {
        var machine = relaying(halfClose: true)
        #expect(machine.targetEnd() == [.sendEnd])
        #expect(machine.clientData() == .forward)
        #expect(machine.clientEnd() == [.shutdownTargetOutput, .sendClose(Self.normal), .closeTarget])
    }

    @Test func anEndBeforeTheTargetConnectsIsPassedOnOnceItDoes() {
        var machine = Machine(halfClose: true)
        #expect(machine.clientEnd() == [])
        #expect(machine.targetConnected() == [.shutdownTargetOutput])
    }

    @Test func aTargetGoneCleanlyStillSendsItsEnd() {
        var machine = relaying(halfClose: true)
        #expect(machine.targetGone(problem: nil) == [.sendEnd, .sendClose(Self.normal), .closeTarget])
        var plain = relaying(halfClose: false)
        #expect(plain.targetGone(problem: nil) == [.sendClose(Self.normal), .closeTarget])
    }

    @Test func withoutTheSubprotocolTheTargetsEndCloses() {
        var machine = relaying(halfClose: false)
        #expect(machine.targetEnd() == [.sendClose(Self.normal), .closeTarget])
        #expect(machine.clientData() == .drop)
    }

    @Test func theClientsCloseClosesTheTargetAndIsEchoed() {
        var machine = relaying(halfClose: false)
        #expect(machine.clientClose(code: 4001) == [.sendClose(CloseFrame(code: 4001)), .closeTarget, .closeClient])
        #expect(machine.targetEnd() == [])
        #expect(machine.clientGone() == [.closeTarget])
    }

    @Test func dataAfterTheClientsEndIsAViolation() {
        var machine = relaying(halfClose: true)
        _ = machine.clientEnd()
        guard case .refuse(let actions) = machine.clientData() else { Issue.record("not refused"); return }
        #expect(actions.first == .sendClose(CloseFrame(code: 1008, reason: "data after the end of the stream (an empty frame ended it)")))
    }

    @Test func anUnreachableTargetCloses1011WithTheReason() {
        var machine = Machine(halfClose: false)
        let reason = "connection refused by localhost:5432 in my-app/db"
        #expect(machine.targetUnreachable(reason) == [.sendClose(CloseFrame(code: 1011, reason: reason)), .closeTarget])
        #expect(machine.clientClose(code: 1011) == [.closeClient])
    }

    @Test func aResetTargetCloses1011() {
        var machine = relaying(halfClose: true)
        #expect(machine.targetGone(problem: "reset") == [.sendClose(CloseFrame(code: 1011, reason: "reset")), .closeTarget])
    }

    @Test func shutdownCloses1001Once() {
        var machine = relaying(halfClose: true)
        #expect(machine.agentStopping() == [.sendClose(CloseFrame(code: 1001, reason: "the agent is shutting down")), .closeTarget])
        #expect(machine.agentStopping() == [])
        #expect(machine.clientUnresponsive() == [.closeTarget, .closeClient])
        #expect(machine.clientUnresponsive() == [])
    }

    @Test func aTargetThatConnectsTooLateIsClosed() {
        var machine = Machine(halfClose: false)
        _ = machine.clientGone()
        #expect(machine.targetConnected() == [.closeTarget])
    }
}
