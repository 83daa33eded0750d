import NIOCore
import NIOWebSocket
import SluiceCore
import SluiceNIOSupport

/// Writes the client's WebSocket frames (RFC 6455, section 5.2): the
/// header, the masking key, and the payload masked by WebSocketMask,
/// sixteen bytes at a time (four to a turn) as it is copied into a buffer
/// of its own, where swift-nio's own encoder masks one byte at a time
/// (see WebSocketMask for the measurement). The handshake and its checks
/// stay swift-nio's (see MaskingClientUpgrader); frames are read by
/// StreamingFrameDecoder.
final class MaskingFrameEncoder: ChannelOutboundHandler {
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = ByteBuffer

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        // Sluice agrees no extension: nothing sets these.
        assert(frame.extensionData == nil && !frame.rsv1 && !frame.rsv2 && !frame.rsv3, "a WebSocket extension's bits or data")
        let payload = frame.data
        let length = payload.readableBytes
        var header = context.channel.allocator.buffer(capacity: 14)
        header.writeInteger(UInt8(frame.fin ? 0x80 : 0) | UInt8(webSocketOpcode: frame.opcode))
        let maskBit: UInt8 = frame.maskKey == nil ? 0 : 0x80
        if length < 126 {
            header.writeInteger(UInt8(length) | maskBit)
        } else if length <= Int(UInt16.max) {
            header.writeInteger(126 | maskBit)
            header.writeInteger(UInt16(length))
        } else {
            header.writeInteger(127 | maskBit)
            header.writeInteger(UInt64(length))
        }
        guard let key = frame.maskKey else {
            context.write(wrapOutboundOut(header), promise: nil)
            context.write(wrapOutboundOut(payload), promise: promise)
            return
        }
        header.writeBytes(key)
        // The payload masked as it is copied (it is shared with the read it
        // came from, so masking it in place would copy it first anyway),
        // into a buffer of its own, sent with the header in one writev.
        var masked = recycler.buffer(capacity: length, allocator: context.channel.allocator)
        masked.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { destination in
            payload.withUnsafeReadableBytes { WebSocketMask.copy($0, masked: key, to: destination) }
            return length
        }
        context.write(wrapOutboundOut(header), promise: nil)
        recycler.write(masked, as: wrapOutboundOut(masked), on: context, promise: promise)
    }

    /// About what the channel's high-water mark (256 KiB) holds in flight.
    private let recycler = BufferRecycler(limit: 6)
}

@available(*, unavailable)
extension MaskingFrameEncoder: Sendable {}
