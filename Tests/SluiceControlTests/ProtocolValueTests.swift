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
            .connections(server: "db", forward: "L5432"), .close(server: "db", forward: "L5432", connection: 7),
            .close(server: "db", forward: "D1080", connection: .max),
        ]
        for request in requests {
            #expect(try roundTrip(request) == request)
            for id in [nil, 0, 3, Int.max] {
                let tagged = TaggedRequest(id: id, request)
                #expect(try roundTrip(tagged) == tagged)
            }
        }
    }

    /// The documented shapes (docs/protocol.md): the id sits beside the
    /// request's own fields.
    @Test func connectionRequestsAndTheirIdsAreFlat() throws {
        let close = String(decoding: try ControlProtocol.encode(TaggedRequest(id: 4, .close(server: "db", forward: "L5432", connection: 7))), as: UTF8.self)
        #expect(close == #"{"connection":7,"forward":"L5432","id":4,"server":"db","type":"close"}"# + "\n")
        let list = String(decoding: try ControlProtocol.encode(TaggedRequest(.connections(server: "db", forward: "L5432"))), as: UTF8.self)
        #expect(list == #"{"forward":"L5432","server":"db","type":"connections"}"# + "\n")
        // A script's plain request, without an id, is the request alone.
        let plain = try ControlProtocol.decode(TaggedRequest.self, from: Array(#"{"type":"connections","server":"db","forward":"L5432"}"#.utf8))
        #expect(plain == TaggedRequest(.connections(server: "db", forward: "L5432")))
    }

    private static let opened = Date(timeIntervalSince1970: 1_800_000_000.125)

    private static let someConnections = [
        ConnectionStatus(id: 7, client: "127.0.0.1:53122", destination: "127.0.0.1:5432", openedAt: opened,
                         bytesOut: 120, bytesIn: 1 << 40, state: .relaying),
        ConnectionStatus(id: 8, client: "[::1]:40000", destination: nil, openedAt: opened, state: .opening),
        ConnectionStatus(id: 9, client: "server", destination: "db.internal:5432", openedAt: opened, bytesOut: .max, bytesIn: 0, state: .closing),
    ]

    @Test func repliesSurviveTheWireAndAreToldFromTheStream() throws {
        let list = ConnectionList(server: "db", forward: "L5432", connections: Self.someConnections)
        let replies: [EngineReply] = [
            EngineReply(to: 3, .connections(list)), EngineReply(to: nil, .connections(list)),
            EngineReply(to: 3, .connections(ConnectionList(server: "db", forward: "L5432", connections: []))),
            EngineReply(to: 4, .message(.ok)), EngineReply(to: 5, .message(.error("connection 7 is already closed"))),
            EngineReply(to: 6, .message(.stopping(drainSeconds: 10))),
            EngineReply(to: 7, .message(.snapshot(EngineSnapshot(servers: [ServerStatus(name: "db", link: .idle, since: Self.opened)])))),
        ]
        for reply in replies {
            #expect(try roundTrip(reply) == reply)
            #expect(try ControlProtocol.decode(EngineLine.self, from: ControlProtocol.encode(reply).dropLast()) == .reply(reply))
        }
        // What has no reply_to, and is not a connection list, is the stream.
        for message: EngineMessage in [.ok, .error("no"), .event("db/web is up"), .stopping(drainSeconds: 1)] {
            #expect(try ControlProtocol.decode(EngineLine.self, from: ControlProtocol.encode(message).dropLast()) == .message(message))
        }
        #expect(EngineReply(to: 5, .message(.error("gone"))).refusal == "gone")
        #expect(EngineReply(to: 4, .message(.ok)).refusal == nil)
    }

    @Test func aConnectionListUsesPlainWords() throws {
        let reply = EngineReply(to: 3, .connections(ConnectionList(server: "db", forward: "L5432", connections: [Self.someConnections[0], Self.someConnections[1]])))
        let text = String(decoding: try ControlProtocol.encode(reply), as: UTF8.self)
        #expect(text == #"{"connections":[{"bytes_in":1099511627776,"bytes_out":120,"client":"127.0.0.1:53122","destination":"127.0.0.1:5432","id":7,"opened":"2027-01-15T08:00:00.125Z","state":"relaying"},{"bytes_in":0,"bytes_out":0,"client":"[::1]:40000","id":8,"opened":"2027-01-15T08:00:00.125Z","state":"opening"}],"forward":"L5432","reply_to":3,"server":"db","type":"connections"}"# + "\n")
        let ok = String(decoding: try ControlProtocol.encode(EngineReply(to: 4, .message(.ok))), as: UTF8.self)
        #expect(ok == #"{"reply_to":4,"type":"ok"}"# + "\n")
    }

    @Test(arguments: [
        #"{"type":"connections","reply_to":1,"server":"db","forward":"L1"}"#,
        #"{"type":"connections","reply_to":1,"server":"db","forward":"L1","connections":[{"id":1}]}"#,
        #"{"type":"connections","reply_to":"1","server":"db","forward":"L1","connections":[]}"#,
        #"{"type":"connections","server":"db","forward":"L1","connections":[{"id":-1,"client":"c","opened":"2027-01-15T08:00:00.125Z","bytes_out":0,"bytes_in":0,"state":"relaying"}]}"#,
        #"{"type":"connections","server":"db","forward":"L1","connections":[{"id":1,"client":"c","opened":"2027-01-15T08:00:00.125Z","bytes_out":0,"bytes_in":0,"state":"dancing"}]}"#,
        #"{"type":"connections","server":"db","forward":"L1","connections":[{"id":1,"client":"c","opened":"yesterday","bytes_out":0,"bytes_in":0,"state":"opening"}]}"#,
        #"{"type":"ok","reply_to":1.5}"#,
        #"{"type":"launch","reply_to":1}"#,
    ])
    func malformedRepliesAreRefused(_ text: String) {
        #expect(throws: (any Error).self) { try ControlProtocol.decode(EngineLine.self, from: Array(text.utf8)) }
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
        (#"{"type":"connections","server":"db"}"#, "forward"),
        (#"{"type":"connections","forward":"L1"}"#, "server"),
        (#"{"type":"close","server":"db","forward":"L1"}"#, "connection"),
        (#"{"type":"close","server":"db","forward":"L1","connection":-1}"#, ""),
        (#"{"type":"close","server":"db","forward":"L1","connection":"7"}"#, ""),
        (#"{"type":"close","server":"db","forward":"L1","connection":1.5}"#, ""),
        (#"{"type":"close","server":"db","forward":"L1","connection":18446744073709551616}"#, ""),
        (#"{"type":"connections","server":["db"],"forward":"L1"}"#, ""),
        (#"{"type":"status","id":"one"}"#, ""),
        (#"{"type":"status","id":1e30}"#, ""),
        (#"["status"]"#, ""),
        ("status", ""),
    ])
    func malformedRequestsAreRefused(_ text: String, _ detail: String) {
        // As the engine reads them: with the id beside them.
        #expect {
            try ControlProtocol.decode(TaggedRequest.self, from: Array(text.utf8))
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
