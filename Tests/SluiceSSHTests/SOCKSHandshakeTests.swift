@testable import SluiceSSH
import SluiceCore
import SluiceTestSupport
import Testing

@Suite struct SOCKSHandshakeTests {
    @Test func socks5ConnectByDomainNameArrivesInPieces() {
        var handshake = SOCKSHandshake()
        #expect(handshake.advance([5]) == .needMore)
        #expect(handshake.advance([5, 2, 2, 0]) == .reply([5, 0], consumed: 4))
        let request: [UInt8] = [5, 1, 0, 3, 9] + Array("localhost".utf8) + [0x1F, 0x90]
        #expect(handshake.advance(Array(request.prefix(7))) == .needMore)
        #expect(handshake.advance(request + [42]) == .connect(host: "localhost", port: 8080, consumed: request.count))
        #expect(handshake.successReply() == [5, 0, 0, 1, 0, 0, 0, 0, 0, 0])
    }

    @Test func socks5ConnectToIPv4AndIPv6Literals() {
        var v4 = SOCKSHandshake()
        _ = v4.advance([5, 1, 0])
        #expect(v4.advance([5, 1, 0, 1, 127, 0, 0, 1, 0, 80]) == .connect(host: "127.0.0.1", port: 80, consumed: 10))
        var v6 = SOCKSHandshake()
        _ = v6.advance([5, 1, 0])
        let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
        #expect(v6.advance([5, 1, 0, 4] + loopback + [1, 187]) == .connect(host: "::1", port: 443, consumed: 22))
        var other = SOCKSHandshake()
        _ = other.advance([5, 1, 0])
        let address: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34]
        #expect(other.advance([5, 1, 0, 4] + address + [0, 22]) == .connect(host: "2001:db8::1234", port: 22, consumed: 22))
    }

    @Test func bindAndUDPAssociateAreNotSupported() {
        for (command, name) in [(UInt8(2), "BIND"), (UInt8(3), "UDP ASSOCIATE")] {
            var handshake = SOCKSHandshake()
            _ = handshake.advance([5, 1, 0])
            #expect(handshake.advance([5, command, 0, 1, 10, 0, 0, 1, 0, 80])
                == .reject([5, 7, 0, 1, 0, 0, 0, 0, 0, 0], reason: "\(name) is not supported, only CONNECT"))
        }
    }

    @Test func clientsThatWantAuthenticationOrSpeakSomethingElseAreTurnedAway() {
        var wantsPassword = SOCKSHandshake()
        #expect(wantsPassword.advance([5, 1, 2]) == .reject([5, 0xFF], reason: "the SOCKS client wants authentication; this proxy takes none"))
        var http = SOCKSHandshake()
        guard case .reject([], _) = http.advance(Array("GET / HTTP/1.1\r\n".utf8)) else {
            Issue.record("an HTTP request was not rejected")
            return
        }
        var badAddress = SOCKSHandshake()
        _ = badAddress.advance([5, 1, 0])
        #expect(badAddress.advance([5, 1, 0, 9, 0, 0]) == .reject([5, 8, 0, 1, 0, 0, 0, 0, 0, 0], reason: "address type 9"))
    }

    @Test func socks4And4a() {
        var v4 = SOCKSHandshake()
        #expect(v4.advance([4, 1, 0, 80, 10, 1, 2, 3] + Array("me".utf8)) == .needMore)
        #expect(v4.advance([4, 1, 0, 80, 10, 1, 2, 3] + Array("me".utf8) + [0]) == .connect(host: "10.1.2.3", port: 80, consumed: 11))
        #expect(v4.successReply() == [0, 0x5A, 0, 0, 0, 0, 0, 0])
        var v4a = SOCKSHandshake()
        let request: [UInt8] = [4, 1, 0x1F, 0x90, 0, 0, 0, 1, 0] + Array("db.internal".utf8) + [0]
        #expect(v4a.advance(request) == .connect(host: "db.internal", port: 8080, consumed: request.count))
        #expect(v4a.failureReply(.connectionRefused) == [0, 0x5B, 0, 0, 0, 0, 0, 0])
    }

    @Test func refusedConnectionsGetTheMatchingReplyCode() {
        #expect(Connection.socksReply(for: ChannelOpenFailure(libsshMessage: "Channel opening failure: channel 3 error (2) Connection refused")) == .connectionRefused)
        #expect(Connection.socksReply(for: ChannelOpenFailure(libsshMessage: "Channel opening failure: channel 3 error (2) No route to host")) == .hostUnreachable)
        #expect(Connection.socksReply(for: ChannelOpenFailure(libsshMessage: "Channel opening failure: channel 3 error (1) administratively prohibited")) == .notAllowed)
    }
}

extension SOCKSHandshakeTests {
    /// A host name with escape sequences is refused before it reaches the
    /// server or a status line, and the reason shows it defused.
    @Test func aHostNameWithControlCharactersIsRefused() {
        var five = SOCKSHandshake()
        _ = five.advance([5, 1, 0])
        let name = Array("\u{1B}]2;PWNED\u{07}.example".utf8)
        let step = five.advance([5, 1, 0, 3, UInt8(name.count)] + name + [0, 80])
        #expect(step == .reject([5, 4, 0, 1, 0, 0, 0, 0, 0, 0], reason: "a host name that is not one ('^[]2;PWNED^G.example')"))
        var fourA = SOCKSHandshake()
        let step4 = fourA.advance([4, 1, 0, 80, 0, 0, 0, 1, 0] + Array("bad\u{7F}host".utf8) + [0])
        #expect(step4 == .reject([0, 0x5B, 0, 0, 0, 0, 0, 0], reason: "a host name that is not one ('bad^?host')"))
    }

    /// Seeded random greetings and requests, whole and in pieces: the
    /// handshake never crashes, never asks for more than a request can
    /// hold, and whatever it decides is final.
    @Test func randomBytesNeverCrashIt() {
        var random = ByteStream(seed: 0x50C55)
        for round in 0..<20_000 {
            var handshake = SOCKSHandshake()
            var bytes: [UInt8] = []
            // Mostly plausible starts, so the deeper states are reached too.
            let start: [[UInt8]] = [[5, 1, 0], [5, 2, 0, 2], [4, 1], [5], []]
            bytes += start[Int.random(in: 0..<start.count, using: &random)]
            let length = Int.random(in: 0..<300, using: &random)
            for _ in 0..<length { bytes.append(UInt8.random(in: 0...255, using: &random)) }
            if round % 3 == 0 && bytes.count > 3 { bytes[3] = 3 }
            var offered = 0
            var decided = false
            while offered < bytes.count && !decided {
                offered = min(bytes.count, offered + 1 + Int.random(in: 0..<64, using: &random))
                switch handshake.advance(Array(bytes[..<offered])) {
                case .needMore:
                    continue
                case .reply(_, let consumed):
                    #expect(consumed > 0 && consumed <= offered)
                    bytes.removeFirst(consumed)
                    offered -= consumed
                case .connect(let host, let port, let consumed):
                    #expect(consumed <= offered && (0...65535).contains(port) && !TerminalText.hasUnsafeCharacters(host))
                    decided = true
                case .reject:
                    decided = true
                }
            }
        }
    }
}
