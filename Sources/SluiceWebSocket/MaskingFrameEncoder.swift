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

    /// The largest frame it writes (docs/agent-protocol.md promises agents
    /// this). A binary message read larger, as a transfer reads 256 KiB at
    /// a time, goes as several whole binary messages, each with a masking
    /// key of its own (RFC 6455 asks a fresh one for every frame); the
    /// agent protocol gives message boundaries no meaning but for the
    /// empty message.
    static let largestFrame = 64 << 10

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        // Sluice agrees no extension: nothing sets these.
        assert(frame.extensionData == nil && !frame.rsv1 && !frame.rsv2 && !frame.rsv3, "a WebSocket extension's bits or data")
        let payload = frame.data
        let length = payload.readableBytes
        guard let key = frame.maskKey else {
            var header = context.channel.allocator.buffer(capacity: 14)
            writeHeader(into: &header, fin: frame.fin, opcode: frame.opcode, length: length, key: nil)
            context.write(wrapOutboundOut(header), promise: nil)
            context.write(wrapOutboundOut(payload), promise: promise)
            return
        }
        // The payload masked as it is copied (it is shared with the read it
        // came from, so masking it in place would copy it first anyway),
        // into a buffer of its own, with the headers between the pieces:
        // one buffer, one write.
        let split = frame.opcode == .binary && frame.fin && length > Self.largestFrame
        let size = split ? Self.largestFrame : max(length, 1)
        let frames = max(1, (length + size - 1) / size)
        // A full read's buffer is 512 KiB (swift-nio rounds capacities up
        // to a power of two), of which the pages written, about half, are
        // the ones memory holds.
        var wire = recycler.buffer(capacity: length + frames * 14, allocator: context.channel.allocator)
        var offset = 0
        repeat {
            let count = min(size, length - offset)
            let frameKey = offset == 0 ? key : keys.next()
            writeHeader(into: &wire, fin: frame.fin, opcode: frame.opcode, length: count, key: frameKey)
            wire.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { destination in
                payload.withUnsafeReadableBytes {
                    WebSocketMask.copy(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)]), masked: frameKey, to: destination)
                }
                return count
            }
            offset += count
        } while offset < length
        recycler.write(wire, as: wrapOutboundOut(wire), on: context, promise: promise)
    }

    private func writeHeader(into buffer: inout ByteBuffer, fin: Bool, opcode: WebSocketOpcode, length: Int, key: WebSocketMaskingKey?) {
        buffer.writeInteger(UInt8(fin ? 0x80 : 0) | UInt8(webSocketOpcode: opcode))
        let maskBit: UInt8 = key == nil ? 0 : 0x80
        if length < 126 {
            buffer.writeInteger(UInt8(length) | maskBit)
        } else if length <= Int(UInt16.max) {
            buffer.writeInteger(126 | maskBit)
            buffer.writeInteger(UInt16(length))
        } else {
            buffer.writeInteger(127 | maskBit)
            buffer.writeInteger(UInt64(length))
        }
        if let key { buffer.writeBytes(key) }
    }

    /// About what the channel's high-water mark (256 KiB) holds in flight.
    private let recycler = BufferRecycler(limit: 6)
    /// Keys for the frames a large message is split into (the first
    /// frame's comes with it, from AgentSideHandler's).
    private var keys = MaskingKeys()
}

@available(*, unavailable)
extension MaskingFrameEncoder: Sendable {}
