import NIOCore
import NIOWebSocket
import SluiceCore

/// The WebSocket end of a relayed connection, last in its channel's
/// pipeline: turns frames into stream events for the `StreamRelay`, and
/// data from it into masked binary frames. Answers pings, pings an idle
/// agent, and completes the close handshake.
///
/// It exists from the upgrade on, before a local client is matched with
/// it (a pooled stream): until then it keeps what arrives (a server's
/// greeting, a close) and replays it to the relay that attaches.
final class AgentSideHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    enum Event {
        case data(ByteBuffer)
        case endOfStream
        case close(code: UInt16?, reason: String)
        case text
        case gone
        case keepaliveExpired(seconds: Int)
    }

    /// What an unmatched stream may hold before it stops reading.
    static let inboxLimit = 256 * 1024
    /// How long the agent has to answer a close before the connection is
    /// dropped anyway.
    static let closeReplyTimeout = TimeAmount.seconds(5)

    let halfClose: Bool
    private let keepalive: Keepalive
    private var context: ChannelHandlerContext?
    private var relay: StreamRelay?
    private var inbox: [Event] = []
    private var inboxBytes = 0
    private var readPending = false
    private var heardSinceTick = true
    private var awaitingPong = false
    private var keepaliveTimer: Scheduled<Void>?
    private var closeSent = false
    private var closeWritten = false
    private var closeReceived = false
    private var closeTimer: Scheduled<Void>?
    /// A key for every frame it sends, one getrandom per 1,024 of them.
    private var keys = MaskingKeys()
    /// Called once when an unmatched stream ends (closed by the agent,
    /// dropped, or gone silent), with what the user should hear of it, if
    /// anything: a pool forgets the stream.
    var onEndedUnmatched: ((String?) -> Void)?
    /// Called when an unmatched stream's ready pong comes.
    var onTargetReady: (() -> Void)?

    init(halfClose: Bool, keepalive: Keepalive) {
        self.halfClose = halfClose
        self.keepalive = keepalive
    }

    /// Set by the agent's unsolicited pong under sluice.v1: its connection
    /// to the target is up, so a pool may hand the stream out at once.
    private(set) var targetReady = false

    /// True while nothing has ended it: a pool hands out only these.
    var isUsable: Bool { !closeSent && !closeReceived && context?.channel.isActive == true && relay == nil }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: Matching with a local client

    func attach(_ relay: StreamRelay) {
        self.relay = relay
        let held = inbox
        inbox = []
        inboxBytes = 0
        for event in held { relay.agent(event) }
        if !held.isEmpty { relay.agentReadComplete() }
        resumeReading()
    }

    /// The relay's connection is over and the WebSocket outlives it
    /// (`sluice.v2`): nothing more goes to that relay.
    func detach() {
        relay = nil
    }

    /// Asks a `sluice.v2` agent for the next connection on this WebSocket;
    /// its ready pong says when the service is connected again.
    func requestNext() {
        guard let context, !closeSent else { return }
        targetReady = false
        var text = context.channel.allocator.buffer(capacity: AgentSubprotocol.next.utf8.count)
        text.writeString(AgentSubprotocol.next)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, maskKey: keys.next(), data: text)), promise: nil)
        resumeReading()
    }

    // MARK: Called by the relay

    func write(_ data: ByteBuffer) {
        guard let context, !closeSent else { return }
        context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .binary, maskKey: keys.next(), data: data)), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    func sendEndOfStream() {
        guard let context, !closeSent else { return }
        let frame = WebSocketFrame(fin: true, opcode: .binary, maskKey: keys.next(), data: context.channel.allocator.buffer(capacity: 0))
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    /// A close frame after what is queued; the connection itself closes
    /// when the agent's close has come too, or after a while without one.
    func sendClose(code: UInt16, reason: String) {
        guard let context, !closeSent else { return }
        closeSent = true
        var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.writeInteger(code)
        // RFC 6455: a close frame's payload is at most 125 bytes.
        data.writeBytes(reason.utf8.prefix(123))
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: keys.next(), data: data)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in
            self.closeWritten = true
            if self.closeReceived {
                context.close(promise: nil)
            } else {
                self.closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.closeReplyTimeout) {
                    context.close(promise: nil)
                }
            }
        }
    }

    func drop() {
        context?.close(promise: nil)
    }

    /// Reads again once the local client can take more.
    func resumeReading() {
        guard readPending, let context else { return }
        readPending = false
        context.read()
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        scheduleKeepalive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        keepaliveTimer?.cancel()
        closeTimer?.cancel()
        self.context = nil
        relay = nil
        onEndedUnmatched = nil
        onTargetReady = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        heardSinceTick = true
        awaitingPong = false
        switch frame.opcode {
        case .binary, .continuation:
            let payload = frame.unmaskedData
            if frame.opcode == .binary && frame.fin && payload.readableBytes == 0 {
                deliver(.endOfStream)
            } else if payload.readableBytes > 0 {
                deliver(.data(payload))
            }
        case .text:
            deliver(.text)
        case .ping:
            guard !closeSent else { return }
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: keys.next(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            // Only the agent's ready is empty: a keepalive's answer carries
            // the 8 bytes of its ping, and may come after a `next`.
            if halfClose && !targetReady && frame.length == 0 {
                targetReady = true
                if relay == nil { onTargetReady?() }
            }
        case .connectionClose:
            var payload = frame.unmaskedData
            let code = payload.readInteger(as: UInt16.self)
            let reason = payload.readString(length: payload.readableBytes) ?? ""
            closeReceived = true
            if closeWritten { context.close(promise: nil) }
            deliver(.close(code: code, reason: AgentError.printable(reason)))
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        relay?.agentReadComplete()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deliver(.gone)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A protocol error (WebSocketProtocolErrorHandler has already sent
        // its close) or a reset: the connection is over either way.
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { relay?.agentBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        let mayRead = relay.map { $0.localIsWritable } ?? (inboxBytes < Self.inboxLimit)
        if mayRead {
            context.read()
        } else {
            readPending = true
        }
    }

    // MARK: Internals

    private func deliver(_ event: Event) {
        if let relay {
            relay.agent(event)
            return
        }
        inbox.append(event)
        if case let .data(buffer) = event { inboxBytes += buffer.readableBytes }
        switch event {
        case let .close(code, reason):
            // No client to tell; answer as RFC 6455 asks and let go. Told
            // first: the answer may close the channel at once, and that end
            // has nothing to tell.
            endedUnmatched(RelayState.problem(code: code, reason: reason))
            sendClose(code: code.flatMap { RelayState.isSendable($0) ? $0 : nil } ?? 1000, reason: "")
        case .text:
            endedUnmatched("the agent sent a text frame, which is not data in this protocol")
            sendClose(code: 1003, reason: "text frames are not data")
        case let .keepaliveExpired(seconds):
            endedUnmatched("no answer from the agent for \(seconds) s")
        case .gone:
            endedUnmatched(nil)
        case .data, .endOfStream:
            break
        }
    }

    private func endedUnmatched(_ problem: String?) {
        let ended = onEndedUnmatched
        onEndedUnmatched = nil
        ended?(problem)
    }

    private func scheduleKeepalive() {
        guard let context, keepalive.interval > 0 else { return }
        keepaliveTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(keepalive.interval * 1000))) {
            self.keepaliveTick()
        }
    }

    /// Every interval: nothing heard and not paused by backpressure → a
    /// ping; a ping already out and still nothing → the agent is gone.
    private func keepaliveTick() {
        guard let context, context.channel.isActive, !closeReceived else { return }
        defer { scheduleKeepalive() }
        if heardSinceTick || readPending {
            heardSinceTick = false
            return
        }
        if awaitingPong {
            let seconds = Int(keepalive.interval * 2)
            deliver(.keepaliveExpired(seconds: seconds))
            if relay == nil { context.close(promise: nil) }
            return
        }
        awaitingPong = true
        var payload = context.channel.allocator.buffer(capacity: 8)
        payload.writeInteger(UInt64.random(in: .min ... .max))
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, maskKey: keys.next(), data: payload)), promise: nil)
    }
}

@available(*, unavailable)
extension AgentSideHandler: Sendable {}
