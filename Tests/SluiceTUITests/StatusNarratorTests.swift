import Foundation
import SluiceCore
import SluiceTUI
import Testing

/// What `sluice up` prints, and the screen logs, as a forward's accepting
/// pauses and resumes.
@Suite struct StatusNarratorTests {
    let server = Server(name: "db", destination: Destination(user: "deploy", host: "db.example.com", port: nil), forwards: [
        Forward(name: "L5432", spec: try! ForwardSpec(parsing: "5432:localhost:5432", kind: .local)),
    ])

    func snapshot(link: ServerStatus.Link = .connected, _ state: ForwardStatus.State, open: Int, pause: ForwardStatus.AcceptPause?) -> [ServerStatus] {
        var forward = ForwardStatus(name: "L5432", state: state)
        forward.listening = "127.0.0.1:5432"
        forward.openConnections = open
        forward.acceptPause = pause
        return [ServerStatus(name: "db", link: link, forwards: [forward])]
    }

    @Test func aPauseIsToldOnceWithItsReasonAndTheResumeOnce() {
        var narrator = StatusNarrator(servers: [server])
        #expect(narrator.events(for: snapshot(.up, open: 0, pause: nil)).map(\.text) == ["Forwarding 127.0.0.1:5432 -> localhost:5432 via db"])
        let paused = narrator.events(for: snapshot(.up, open: 2048, pause: .connectionLimit(2048)))
        #expect(paused.map(\.text) == ["db/L5432: accepting paused: 2,048 connections open, the most one forward takes"])
        #expect(paused.allSatisfy { $0.isProblem })
        #expect(narrator.events(for: snapshot(.up, open: 2047, pause: .connectionLimit(2048))).isEmpty)
        let resumed = narrator.events(for: snapshot(.up, open: 1500, pause: nil))
        #expect(resumed.map(\.text) == ["db/L5432: accepting again"])
        #expect(!resumed.contains { $0.isProblem })
    }

    /// A forward that stops being up is not "accepting again".
    @Test func aPauseEndedByTheLinkGoingDownIsNotAResume() {
        var narrator = StatusNarrator(servers: [server])
        _ = narrator.events(for: snapshot(.up, open: 2048, pause: .connectionLimit(2048)))
        let lost = narrator.events(for: snapshot(link: .reconnecting(attempt: 1, next: Date()), .starting, open: 0, pause: nil))
        #expect(!lost.contains { $0.text.contains("accepting") }, "\(lost)")
    }

    /// A link that fails for good (a changed host key) fails its forwards
    /// with its own words: said once, by the server, not again per forward.
    /// A forward's own failure is still told.
    @Test func aLinkFailureIsToldOnceNotAgainPerForward() {
        var narrator = StatusNarrator(servers: [server])
        var status = ServerStatus(name: "db", link: .failed, forwards: [ForwardStatus(name: "L5432", state: .failed)])
        status.lastError = "the host key changed"
        status.forwards[0].lastError = "db: the host key changed"
        #expect(narrator.events(for: [status]).map(\.text) == ["db: the host key changed"])
        status.forwards[0].lastError = "port 5432 is taken on this machine"
        #expect(narrator.events(for: [status]).map(\.text) == ["db/L5432: port 5432 is taken on this machine"])
    }

    @Test func numbersAreGroupedTheSameWayEverywhere() {
        #expect(ForwardStatus.AcceptPause.connectionLimit(7).reason == "7 connections open, the most one forward takes")
        #expect(ForwardStatus.AcceptPause.connectionLimit(65536).reason == "65,536 connections open, the most one forward takes")
        #expect(ForwardStatus.AcceptPause.connectionLimit(1_048_576).reason == "1,048,576 connections open, the most one forward takes")
        #expect(ForwardStatus.AcceptPause.outOfDescriptors(open: 4065, limit: 4096).description
                == "accepting paused: out of file descriptors (4,065 open, limit 4,096)")
    }

    /// A link switched off while reconnecting and later on again is a new
    /// connection, not "connected again".
    @Test func aLinkSwitchedOffWhileLostIsNotRepairedLater() {
        var narrator = StatusNarrator(servers: [server])
        _ = narrator.events(for: snapshot(link: .reconnecting(attempt: 2, next: Date()), .starting, open: 0, pause: nil))
        _ = narrator.events(for: snapshot(link: .idle, .off, open: 0, pause: nil))
        let later = narrator.events(for: snapshot(link: .connected, .up, open: 0, pause: nil))
        #expect(!later.contains { $0.text.contains("connected again") }, "\(later)")
        // While it stays lost, the repair is told.
        _ = narrator.events(for: snapshot(link: .reconnecting(attempt: 1, next: Date()), .starting, open: 0, pause: nil))
        #expect(narrator.events(for: snapshot(link: .connected, .up, open: 0, pause: nil)).map(\.text).contains("db: connected again"))
    }
}
