@testable import SluiceAgent
import Testing

@Suite struct ClientReadGateTests {
    @Test func whileRelayingTheClientIsReadOnlyWhenTheTargetCanTakeMore() {
        var gate = ClientReadGate()
        #expect(gate.ask(in: .relaying, targetWritable: true) == true)
        #expect(!gate.holding)
        #expect(gate.ask(in: .relaying, targetWritable: false) == false)
        #expect(gate.holding)
        #expect(gate.release(in: .relaying, targetWritable: false) == false)
        #expect(gate.release(in: .relaying, targetWritable: true) == true)
        #expect(!gate.holding)
        // Released once: nothing more is owed.
        #expect(gate.release(in: .relaying, targetWritable: true) == false)
    }

    @Test func whileDiallingTheClientWaitsAndIsReadOnceConnected() {
        var gate = ClientReadGate()
        #expect(gate.ask(in: .connecting, targetWritable: true) == false)
        #expect(gate.release(in: .connecting, targetWritable: true) == false)
        #expect(gate.release(in: .relaying, targetWritable: true) == true)
    }

    @Test(arguments: [RelayStateMachine.Phase.closing, .closed, .idle])
    func closingClosedOrBetweenConnectionsTheClientIsAlwaysRead(phase: RelayStateMachine.Phase) {
        var gate = ClientReadGate()
        #expect(gate.ask(in: phase, targetWritable: false) == true)
        // A read held while the target was slow goes once the connection
        // ends, or a close is sent: the client's `next` or close must come
        // through.
        #expect(gate.ask(in: .relaying, targetWritable: false) == false)
        #expect(gate.release(in: phase, targetWritable: false) == true)
    }

    @Test func aReadThatGoesNowClearsOneHeldBefore() {
        var gate = ClientReadGate()
        #expect(gate.ask(in: .relaying, targetWritable: false) == false)
        #expect(gate.ask(in: .relaying, targetWritable: true) == true)
        // Not holding any more, so a quiet client is a quiet client again
        // to the keepalive, and no second read is owed.
        #expect(!gate.holding)
        #expect(gate.release(in: .relaying, targetWritable: true) == false)
    }
}
