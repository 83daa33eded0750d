import NIOCore
import SluiceNIOSupport

/// The end of a stream's relay in the target's pipeline: hands what the
/// service sends to `StreamRelay`, and is read only while the client's
/// WebSocket can take more.
final class TargetSideHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var relay: StreamRelay?
    private let recycler: BufferRecycler
    private var context: ChannelHandlerContext?
    private var readPending = false
    private var closing = false

    init(relay: StreamRelay, recycler: BufferRecycler) {
        self.relay = relay
        self.recycler = recycler
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        relay?.targetActive(self)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        relay?.targetSent(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        relay?.targetReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event {
            relay?.targetEnded()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        relay?.targetFailed(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let relay = self.relay
        // The relay lets go of this handler here, and this of it: no cycle
        // outlives the connection.
        self.relay = nil
        relay?.targetInactive()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        relay?.targetWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if relay?.clientIsWritable ?? true {
            context.read()
        } else {
            readPending = true
        }
    }

    // MARK: Called by the relay

    /// The relay is done with this connection (`sluice.v2`, between
    /// connections): what happens to it from now on is not the relay's.
    func detach() {
        relay = nil
    }

    var isWritable: Bool { context?.channel.isWritable ?? false }

    func write(_ data: ByteBuffer) {
        guard let context else { return }
        recycler.write(data, as: wrapOutboundOut(data), on: context, promise: nil)
    }

    func flush() {
        context?.flush()
    }

    func resumeReading() {
        guard readPending, let context else { return }
        readPending = false
        context.read()
    }

    func shutdownOutput() {
        guard let context else { return }
        context.flush()
        context.close(mode: .output, promise: nil)
    }

    /// Closes once what is queued for the service is written, or after
    /// `seconds` if the service does not take it.
    func closeAfterWrites(within seconds: Double) {
        guard !closing, let context else { return }
        closing = true
        let channel = context.channel
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0)), promise: written)
        let deadline = context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
            channel.close(promise: nil)
        }
        written.futureResult.whenComplete { _ in
            deadline.cancel()
            channel.close(promise: nil)
        }
    }
}
