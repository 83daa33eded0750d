import Foundation
import SluiceControl
import SluiceCore
import Testing

@Suite struct ProtocolValueTests {
    private func roundTrip<Value: Codable & Equatable>(_ value: Value) throws -> Value {
        let line = try ControlProtocol.encode(value)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(!line.dropLast().contains(UInt8(ascii: "\n")), "one message is one line")
        return try ControlProtocol.decode(Value.self, from: line.dropLast())
    }

    @Test func everyRequestSurvivesTheWire() throws {
        let requests: [ControlRequest] = [
            .hello(protocol: 1, client: "screen", answersPrompts: true), .status, .watch, .retry(server: "db"),
            .answer(prompt: 7, .acceptAndSaveHostKey), .answer(prompt: 8, .texts(["123456", "x"])),
            .answer(prompt: 9, .text("pass\nword")), .stop(drainSeconds: 2.5), .stop(drainSeconds: nil),
        ]
        for request in requests { #expect(try roundTrip(request) == request) }
    }

    @Test func aSnapshotWithEveryStateSurvivesTheWire() throws {
        let since = Date(timeIntervalSince1970: 1_800_000_000.125)
        var up = ForwardStatus(name: "web", state: .up, since: since)
        up.listening = "127.0.0.1:8080"
        up.openConnections = 3
        up.totalConnections = 12
        up.bytesIn = 1 << 40
        up.bytesOut = 17
        up.acceptPause = .outOfDescriptors(open: 1021, limit: 1024)
        var failed = ForwardStatus(name: "db", state: .failed, since: since)
        failed.lastError = "port 5432 is in use (by postgres, pid 12)"
        var server = ServerStatus(name: "prod", link: .reconnecting(attempt: 3, next: since.addingTimeInterval(4)),
                                  forwards: [up, failed, ForwardStatus(name: "off", state: .off, since: since)], since: since)
        server.lastError = "connection refused"
        server.route = "via bastion"
        server.notices = ["trusted on first use"]
        let prompts = [
            PendingPrompt(id: 1, server: "prod", prompt: .unknownHostKey(host: "h", keyType: "ED25519", fingerprint: "SHA256:abc")),
            PendingPrompt(id: 2, server: "prod", prompt: .keyboardInteractive(host: "h", name: "n", instruction: "i",
                                                                              questions: [.init(text: "Code: ", echo: false)])),
            PendingPrompt(id: 3, server: "x", prompt: .password(user: "u", host: "h")),
            PendingPrompt(id: 4, server: "x", prompt: .passphrase(text: "Passphrase for ~/.ssh/id: ")),
        ]
        let message = EngineMessage.snapshot(EngineSnapshot(servers: [server, ServerStatus(name: "idle", link: .idle, since: since)],
                                                            prompts: prompts, storeProblem: "line 3: expected ','"))
        #expect(try roundTrip(message) == message)
    }

    @Test func theOtherMessagesSurviveTheWire() throws {
        let messages: [EngineMessage] = [
            .hello(protocol: 1, engine: EngineInfo(pid: 42, version: "0.1.0", store: "/s.json", started: Date(timeIntervalSince1970: 1_800_000_000))),
            .event("db/web is up"), .ok, .error("no"), .stopping(drainSeconds: 10),
        ]
        for message in messages { #expect(try roundTrip(message) == message) }
    }

    /// The documented shape scripts rely on (docs/protocol.md).
    @Test func snapshotsUsePlainWordsAndTheScreensText() throws {
        var forward = ForwardStatus(name: "web", state: .up, since: Date(timeIntervalSince1970: 0))
        forward.openConnections = 2
        let server = ServerStatus(name: "db", link: .connected, forwards: [forward], since: Date(timeIntervalSince1970: 0))
        let text = String(decoding: try ControlProtocol.encode(EngineMessage.snapshot(EngineSnapshot(servers: [server]))), as: UTF8.self)
        #expect(text == #"{"prompts":[],"servers":[{"forwards":[{"bytes_in":0,"bytes_out":0,"name":"web","open":2,"since":"1970-01-01T00:00:00.000Z","state":"up","state_text":"active 2","total":0}],"link":"connected","link_text":"connected","name":"db","since":"1970-01-01T00:00:00.000Z"}],"type":"snapshot"}"# + "\n")
    }

    @Test(arguments: [
        (#"{"type":"launch"}"#, "unknown request type launch"),
        (#"{"type":"retry"}"#, "server"),
        (#"{"type":"stop","drain":-1}"#, "drain must be 0 to 3600 seconds"),
        (#"{"type":"answer","prompt":1,"answer":{"kind":"maybe"}}"#, "unknown answer kind maybe"),
        (#"["status"]"#, ""),
        ("status", ""),
    ])
    func malformedRequestsAreRefused(_ text: String, _ detail: String) {
        #expect {
            try ControlProtocol.decode(ControlRequest.self, from: Array(text.utf8))
        } throws: { error in
            detail.isEmpty || "\(error)".contains(detail)
        }
    }

    @Test func waitingNamesWhatTheQuestionIsAbout() {
        let snapshot = EngineSnapshot(servers: [], prompts: [PendingPrompt(id: 1, server: "db", prompt: .unknownHostKey(host: "h", keyType: "t", fingerprint: "f"))])
        #expect(snapshot.waiting(server: "db") == "waiting for you: open sluice to answer (host key of db)")
        #expect(snapshot.waiting(server: "web") == nil)
    }
}
