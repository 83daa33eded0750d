import NIOCore
import NIOWebSocket
import SluiceCore

/// Writes the client's WebSocket frames (RFC 6455, section 5.2): the
/// header, the masking key, and the payload masked by WebSocketMask, eight
/// bytes at a time, where swift-nio's own encoder masks one byte at a time
/// (see WebSocketMask for the measurement). Everything else about the
/// WebSocket, the handshake and reading frames, stays swift-nio's (see
/// MaskingClientUpgrader).
final class MaskingFrameEncoder: ChannelOutboundHandler {
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = ByteBuffer

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        // Sluice agrees no extension: nothing sets these.
        assert(frame.extensionData == nil && !frame.rsv1 && !frame.rsv2 && !frame.rsv3, "a WebSocket extension's bits or data")
        var payload = frame.data
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
        if let key = frame.maskKey {
            header.writeBytes(key)
            payload.withUnsafeMutableReadableBytes { WebSocketMask.apply(key, to: $0) }
        }
        context.write(wrapOutboundOut(header), promise: nil)
        context.write(wrapOutboundOut(payload), promise: promise)
    }
}

@available(*, unavailable)
extension MaskingFrameEncoder: Sendable {}
