import Foundation
import SluiceControl
import SluiceCore
import SluiceService
import Testing

/// The engine's side of one client, over a real socket pair.
@Suite struct ControlPeerTests {
    private final class Pair: @unchecked Sendable {
        let peer: ControlPeer
        let other: Int32

        init() {
            var fds: [Int32] = [0, 0]
            precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0)
            _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
            peer = ControlPeer(fd: fds[0])
            other = fds[1]
        }

        deinit {
            peer.close()
            close(other)
        }

        func say(_ text: String) {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { send(other, $0.baseAddress, $0.count, 0) }
        }

        /// What the engine sent so far, as messages.
        func heard() -> [EngineMessage] {
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            let got = recv(other, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard got > 0 else { return [] }
            return buffer.prefix(got).split(separator: UInt8(ascii: "\n")).compactMap {
                try? ControlProtocol.decode(EngineMessage.self, from: $0)
            }
        }
    }

    @Test func helloComesFirstThenRequestsFlow() {
        let pair = Pair()
        pair.say(#"{"type":"hello","protocol":1,"client":"screen","prompts":true}"# + "\n" + #"{"type":"status"}"# + "\n")
        #expect(pair.peer.readRequests().map(\.request) == [.status])
        #expect(pair.peer.phase == .ready)
        #expect(pair.peer.answersPrompts)
        #expect(pair.peer.client == "screen")
    }

    @Test(arguments: [
        (#"{"type":"status"}"#, "say hello first"),
        (#"{"type":"hello","protocol":2}"#, "this engine speaks protocol 1, not 2"),
        ("garbage", "not a request"),
        (#"{"type":"hello","protocol":"one"}"#, "wrong type"),
    ])
    func aBadStartIsToldWhyAndClosed(_ line: String, _ expected: String) {
        let pair = Pair()
        pair.say(line + "\n" + #"{"type":"status"}"# + "\n")
        #expect(pair.peer.readRequests().isEmpty, "nothing after the bad line is served")
        #expect(pair.peer.phase == .closed)
        let heard = pair.heard()
        guard case .error(let message) = heard.first else {
            Issue.record("no error sent: \(heard)")
            return
        }
        #expect(message.contains(expected), "\(message)")
    }

    @Test func anEndlessLineIsCutOffAtTheLimitNotBuffered() {
        let pair = Pair()
        pair.say(#"{"type":"hello","protocol":1}"# + "\n")
        _ = pair.peer.readRequests()
        let chunk = String(repeating: "x", count: 16 << 10)
        var sent = 0
        while sent <= ControlProtocol.maximumRequestBytes + chunk.count && pair.peer.phase == .ready {
            pair.say(chunk)
            sent += chunk.count
            _ = pair.peer.readRequests()
        }
        #expect(pair.peer.phase == .closed)
        #expect(sent <= ControlProtocol.maximumRequestBytes + 2 * chunk.count)
        guard case .error(let message) = pair.heard().first else {
            Issue.record("no error sent")
            return
        }
        #expect(message.contains("longer than 65536 bytes"))
    }

    /// A watcher that never reads is dropped once it is far behind; the
    /// engine never blocks on it and never holds more than the limit.
    @Test func aClientThatDoesNotReadIsDropped() {
        let pair = Pair()
        pair.say(#"{"type":"hello","protocol":1}"# + "\n")
        _ = pair.peer.readRequests()
        let line = Data(repeating: UInt8(ascii: "x"), count: 1 << 20) + Data([UInt8(ascii: "\n")])
        var queued = 0
        while pair.peer.phase == .ready && queued < 4 * ControlPeer.outputLimit {
            pair.peer.send(encoded: line)
            queued += line.count
        }
        #expect(pair.peer.phase == .closed)
        #expect(queued <= ControlPeer.outputLimit + (4 << 20), "dropped soon after the limit, not later")
    }

    /// A client that floods requests is read a bounded amount per turn,
    /// so the engine gets back to its other work in between.
    @Test func aFloodIsReadInBoundedTurns() {
        let pair = Pair()
        pair.say(#"{"type":"hello","protocol":1}"# + "\n")
        _ = pair.peer.readRequests()
        let line = #"{"type":"status"}"# + "\n"
        let count = 3 * ControlPeer.readPerTurn / line.utf8.count
        Thread { pair.say(String(repeating: line, count: count)) }.start()
        var turns = 0
        var read = 0
        while read < count && turns < 1000 {
            let got = pair.peer.readRequests().count
            #expect(got * line.utf8.count <= ControlPeer.readPerTurn + (16 << 10))
            read += got
            turns += 1
            if got == 0 { usleep(1000) }
        }
        #expect(read == count)
        #expect(turns >= 3)
    }

    /// Replies to requests sent before the client closed its sending side
    /// still go out; then it is closed.
    @Test func aHalfClosedClientGetsItsReplies() {
        let pair = Pair()
        pair.say(#"{"type":"hello","protocol":1}"# + "\n" + #"{"type":"status"}"# + "\n")
        shutdown(pair.other, Int32(SHUT_WR))
        #expect(pair.peer.readRequests().map(\.request) == [.status])
        #expect(pair.peer.phase == .ready && pair.peer.inputEnded && !pair.peer.wantsToRead)
        pair.peer.send(.ok)
        #expect(pair.heard() == [.ok])
        #expect(pair.peer.phase == .closed)
        let idle = Pair()
        shutdown(idle.other, Int32(SHUT_WR))
        _ = idle.peer.readRequests()
        idle.peer.flush()
        #expect(idle.peer.phase == .closed, "nothing asked: closed at once")
    }

    @Test func aClientThatHangsUpIsClosed() {
        let pair = Pair()
        shutdown(pair.other, Int32(SHUT_WR))
        _ = pair.peer.readRequests()
        pair.peer.flush()
        #expect(pair.peer.phase == .closed)
    }
}
