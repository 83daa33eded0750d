import NIOCore
import NIOEmbedded
import NIOWebSocket
import SluiceCore
@testable import SluiceWebSocket
import Testing

/// The pool's bookkeeping, on NIO's EmbeddedEventLoop (its timers moved by
/// hand), with a dialer that hands out `sluice.v2` streams on embedded
/// channels: what is dialled, what a client gets and when, what is asked
/// for `next`, kept, replaced or closed. The pool against a real agent is
/// in PortForwardThroughAgentTests (`connectionsOneAfterAnotherReuseTheirWebSockets`).
@Suite struct StreamPoolTests {
    let loop = EmbeddedEventLoop()
    let dialer: FakeDialer
    let problems = ProblemLog()
    let pool: StreamPool

    init() throws {
        dialer = FakeDialer(loop: loop)
        let problems = self.problems
        pool = StreamPool(eventLoop: loop, dialer: dialer, route: try ServiceRoute(reference: "shop/web", port: 80), size: 2,
                          problems: ReportFilter(report: { problems.lines.append($0) }))
    }

    /// What a client asking now gets: the stream at once, or nil while it waits.
    func take() -> Taken {
        let taken = Taken()
        pool.take().whenComplete { taken.result = $0 }
        return taken
    }

    @Test func fillsToItsSizeAndHandsOutAStreamOnceTheAgentSaysReady() throws {
        pool.fill()
        #expect(dialer.streams.count == 2)
        let first = take()
        // Not ready yet, but about to be: the client waits instead of dialling.
        #expect(first.stream == nil)
        #expect(dialer.streams.count == 2)
        try dialer.streams[1].ready()
        #expect(first.stream?.channel === dialer.streams[1].channel)
        #expect(dialer.streams.count == 2, "a stream lent out is waited for before another is dialled")
    }

    @Test func aStreamGivenBackIsAskedForTheNextConnectionAndLentAgainOnItsReady() throws {
        pool.fill()
        for stream in dialer.streams { try stream.ready() }
        let stream = try #require(take().stream)
        let fake = try #require(dialer.fake(for: stream))
        pool.giveBack(stream)
        let next = try #require(try fake.channel.readOutbound(as: WebSocketFrame.self))
        #expect(next.opcode == .text && next.data == ByteBuffer(string: "next"))
        // The other stream is ready: the next client gets it at once.
        let second = try #require(take().stream)
        #expect(second.channel !== stream.channel)
        // The third waits for the one asked for `next`, and gets it on its ready.
        let third = take()
        #expect(third.stream == nil)
        try fake.ready()
        #expect(third.stream?.channel === stream.channel)
        #expect(dialer.streams.count == 2, "no WebSocket dialled beyond the pool's two")
    }

    @Test func aLentStreamNotBackWithinTheReturnWaitIsReplacedAndClosedWhenItComesBackToAFullPool() throws {
        pool.fill()
        for stream in dialer.streams { try stream.ready() }
        let longLived = try #require(take().stream)
        loop.advanceTime(by: StreamPool.returnWait - .milliseconds(1))
        #expect(dialer.streams.count == 2)
        loop.advanceTime(by: .milliseconds(2))
        #expect(dialer.streams.count == 3, "a replacement for the stream a long-lived client holds")
        pool.giveBack(longLived)
        let fake = try #require(dialer.fake(for: longLived))
        let close = try #require(try fake.channel.readOutbound(as: WebSocketFrame.self))
        #expect(close.opcode == .connectionClose)
        var code = close.data
        #expect(code.readInteger(as: UInt16.self) == 1000)
    }

    @Test func aStreamPutBackUnusedIsKeptAsItIsAndLentAtOnce() throws {
        pool.fill()
        for stream in dialer.streams { try stream.ready() }
        let probed = try #require(take().stream)
        pool.putBack(probed)
        let fake = try #require(dialer.fake(for: probed))
        #expect(try fake.channel.readOutbound(as: WebSocketFrame.self) == nil, "no `next`: its connection was never used")
        _ = try #require(take().stream)
        #expect(take().stream != nil, "both streams ready again")
        #expect(dialer.streams.count == 2)
    }

    @Test func aStreamThatEndsAtOnceIsForgottenNotRedialledAndTheWaitingClientDialsItself() throws {
        pool.fill()
        let waiting = take()
        #expect(waiting.stream == nil)
        // The agent closes both at once (as after a refused target, 1011).
        for stream in dialer.streams { try stream.closedByAgent(code: 1011, reason: "the service refused the connection") }
        #expect(dialer.streams.count == 3, "only the waiting client's own dial; nothing redialled in a loop")
        #expect(waiting.stream?.channel === dialer.streams[2].channel)
        // Said once, in the agent's words, though both streams heard it.
        #expect(problems.lines == ["shop/web:80: the service refused the connection"])
    }

    @Test func closingSendsEachIdleStreamACloseAndStopsRefilling() throws {
        pool.fill()
        try dialer.streams[0].ready()
        pool.close()
        for fake in dialer.streams {
            let close = try #require(try fake.channel.readOutbound(as: WebSocketFrame.self))
            #expect(close.opcode == .connectionClose)
        }
        pool.fill()
        #expect(dialer.streams.count == 2)
    }
}

/// Opens `sluice.v2` streams on embedded channels of one loop, and keeps them.
final class FakeDialer: StreamDialing, @unchecked Sendable {
    let loop: EmbeddedEventLoop
    private(set) var streams: [FakeStream] = []

    init(loop: EmbeddedEventLoop) {
        self.loop = loop
    }

    func dial(_ route: ServiceRoute, on eventLoop: EventLoop) -> EventLoopFuture<AgentStream> {
        do {
            let fake = try FakeStream(loop: loop)
            streams.append(fake)
            return loop.makeSucceededFuture(fake.stream)
        } catch {
            return loop.makeFailedFuture(error)
        }
    }

    func fake(for stream: AgentStream) -> FakeStream? {
        streams.first { $0.channel === stream.channel }
    }
}

/// A WebSocket as the pool sees it once upgraded: an AgentSideHandler on
/// a connected channel.
struct FakeStream {
    let channel: EmbeddedChannel
    let stream: AgentStream

    init(loop: EmbeddedEventLoop) throws {
        channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandler(AgentSideHandler(halfClose: true, keepalive: Keepalive(interval: 10)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9090)).wait()
        stream = AgentStream(channel: channel, subprotocol: AgentSubprotocol.reuse)
    }

    /// The agent's ready: its empty pong.
    func ready() throws {
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()))
    }

    func closedByAgent(code: UInt16, reason: String) throws {
        var data = ByteBuffer()
        data.writeInteger(code)
        data.writeString(reason)
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: data))
    }
}

final class Taken: @unchecked Sendable {
    var result: Result<AgentStream, Error>?
    var stream: AgentStream? { try? result?.get() }
}

final class ProblemLog: @unchecked Sendable {
    var lines: [String] = []
}
