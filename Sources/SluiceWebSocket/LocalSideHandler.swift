import NIOCore

/// The local client's end of a relayed connection, on a connection
/// accepted by the forward's listener. Asks for a WebSocket when the client
/// arrives, reads nothing until it has one, then hands bytes and ends of
/// stream to the `StreamRelay`.
///
/// "Reads nothing" has one exception: when the client's FIN comes, NIO
/// reads the socket to its end whatever the handlers asked, so what
/// arrives before the WebSocket is kept (at most what the kernel held for
/// the connection) and handed on once it is there.
final class LocalSideHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let route: ServiceRoute
    private let source: StreamSource
    private let report: @Sendable (String) -> Void
    private let meter: ConnectionMeter
    private var context: ChannelHandlerContext?
    private var relay: StreamRelay?
    private var readPending = false
    private var early: [ByteBuffer] = []
    private var endedEarly = false
    /// The WebSocket this client got; closed with it if the client leaves
    /// before the agent does.
    private var stream: AgentStream?

    init(route: ServiceRoute, source: StreamSource, meter: ConnectionMeter, report: @escaping @Sendable (String) -> Void) {
        self.route = route
        self.source = source
        self.meter = meter
        self.report = report
    }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: Called by the relay

    func write(_ data: ByteBuffer) {
        meter.received(data.readableBytes)
        context?.write(wrapOutboundOut(data), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    /// FIN toward the client after everything queued for it: an empty
    /// write completes only once every write before it has, and closing
    /// the output first could drop them (NIO closes fully when the input
    /// has ended already).
    func shutDownOutputAfterWrites() {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
        }
    }

    func closeAfterWrites() {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func resumeReading() {
        guard readPending, let context else { return }
        readPending = false
        context.read()
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        relay = nil
        early = []
    }

    func channelActive(context: ChannelHandlerContext) {
        source.stream(on: context.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case let .success(stream):
                self.matched(with: stream)
            case let .failure(error):
                self.report("\(self.route): \(error)")
                self.context?.close(promise: nil)
            }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        meter.sent(bytes.readableBytes)
        if let relay {
            relay.local(bytes)
        } else {
            early.append(bytes)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        relay?.localReadComplete()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            meter.advance(to: .closing)
            if let relay {
                relay.localEnded()
            } else {
                endedEarly = true
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let relay {
            relay.localClosed()
        } else if let stream {
            stream.channel.close(promise: nil)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A reset by the client: channelInactive follows and ends the stream.
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { relay?.localBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    /// Nothing is read before the WebSocket is there, and afterwards only
    /// while it can take more.
    func read(context: ChannelHandlerContext) {
        if let relay, relay.agentIsWritable {
            context.read()
        } else {
            readPending = true
        }
    }

    // MARK: Internals

    private func matched(with stream: AgentStream) {
        self.stream = stream
        guard let context, context.channel.isActive else {
            // The client left while the WebSocket was coming (a port
            // probe): nothing of it was used, so the pool keeps it.
            source.putBack(stream)
            return
        }
        let agentSide: AgentSideHandler
        do {
            agentSide = try stream.channel.pipeline.syncOperations.handler(type: AgentSideHandler.self)
        } catch {
            stream.channel.close(promise: nil)
            context.close(promise: nil)
            return
        }
        let source = self.source
        let relay = StreamRelay(local: self, agent: agentSide, reusable: stream.reusable, route: route, report: report) {
            source.giveBack(stream)
        }
        self.relay = relay
        meter.advance(to: .relaying)
        agentSide.attach(relay)
        let held = early
        early = []
        for data in held { relay.local(data) }
        if !held.isEmpty { relay.localReadComplete() }
        if endedEarly { relay.localEnded() }
        resumeReading()
    }

    /// A WebSocket no client will use: closed politely (1000), so the
    /// agent lets go of its side at once.
    static func closeUnused(_ stream: AgentStream) {
        if let agentSide = try? stream.channel.pipeline.syncOperations.handler(type: AgentSideHandler.self) {
            agentSide.sendClose(code: 1000, reason: "")
        } else {
            stream.channel.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension LocalSideHandler: Sendable {}
