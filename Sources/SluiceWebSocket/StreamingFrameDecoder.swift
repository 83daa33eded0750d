import NIOCore
import NIOWebSocket
import SluiceCore

/// Reads the agent's WebSocket frames (RFC 6455, section 5.2) and passes a
/// data frame's payload on as it arrives, in slices of the socket's reads,
/// rather than gathering each frame whole first: swift-nio's decoder
/// copies every frame that spans two reads into one buffer, which was 9
/// to 13 % of `port-forward`'s samples while it received. A data frame
/// comes out as one or more frames of the same message (the first with
/// its opcode, the rest as continuations, the last with its FIN); control
/// and text frames come out whole. Errors are swift-nio's, for its
/// WebSocketProtocolErrorHandler.
final class StreamingFrameDecoder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = WebSocketFrame

    private struct Header {
        var fin: Bool
        var rsv1: Bool
        var rsv2: Bool
        var rsv3: Bool
        var opcode: WebSocketOpcode
        var maskKey: WebSocketMaskingKey?
        var length: Int
    }

    private enum State {
        case header
        /// Data passed on as it comes: `done` bytes of `header.length` so far.
        case streaming(Header, done: Int)
        /// A control or text frame, gathered whole.
        case gathering(Header, ByteBuffer)
        case failed
    }

    private let maxFrameSize: Int
    private var state = State.header
    /// Header bytes that came without the rest of the header.
    private var partialHeader: ByteBuffer?

    init(maxFrameSize: Int) {
        self.maxFrameSize = maxFrameSize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if var partial = partialHeader {
            partialHeader = nil
            partial.writeBuffer(&buffer)
            buffer = partial
        }
        while true {
            switch state {
            case .failed:
                return
            case .header:
                guard buffer.readableBytes > 0 else { return }
                let start = buffer.readerIndex
                let parsed: Header?
                do {
                    parsed = try Self.header(from: &buffer, maxFrameSize: maxFrameSize)
                } catch {
                    state = .failed
                    context.fireErrorCaught(error)
                    return
                }
                guard let header = parsed else {
                    buffer.moveReaderIndex(to: start)
                    partialHeader = buffer
                    return
                }
                if header.opcode == .binary || header.opcode == .continuation {
                    state = .streaming(header, done: 0)
                    if header.length == 0 { emit(header, piece: buffer.readSlice(length: 0)!, first: true, last: true, context: context) }
                } else {
                    state = .gathering(header, context.channel.allocator.buffer(capacity: header.length))
                }
            case .streaming(let header, let done):
                if header.length == 0 {
                    state = .header
                    continue
                }
                guard buffer.readableBytes > 0 else { return }
                let count = min(header.length - done, buffer.readableBytes)
                var piece = buffer.readSlice(length: count)!
                if let key = header.maskKey { piece = Self.unmasked(piece, key: key, offset: done, allocator: context.channel.allocator) }
                state = done + count == header.length ? .header : .streaming(header, done: done + count)
                emit(header, piece: piece, first: done == 0, last: done + count == header.length, context: context)
            case .gathering(let header, var collected):
                let count = min(header.length - collected.readableBytes, buffer.readableBytes)
                var piece = buffer.readSlice(length: count)!
                collected.writeBuffer(&piece)
                guard collected.readableBytes == header.length else {
                    state = .gathering(header, collected)
                    return
                }
                state = .header
                if let key = header.maskKey { collected = Self.unmasked(collected, key: key, offset: 0, allocator: context.channel.allocator) }
                emit(header, piece: collected, first: true, last: true, context: context)
            }
        }
    }

    private func emit(_ header: Header, piece: ByteBuffer, first: Bool, last: Bool, context: ChannelHandlerContext) {
        let frame = WebSocketFrame(fin: last && header.fin, rsv1: header.rsv1, rsv2: header.rsv2, rsv3: header.rsv3,
                                   opcode: first ? header.opcode : .continuation, maskKey: nil, data: piece)
        context.fireChannelRead(wrapInboundOut(frame))
    }

    /// A frame's header from the front of `buffer`, or nil (and `buffer`
    /// partly read) when not all of it has come.
    private static func header(from buffer: inout ByteBuffer, maxFrameSize: Int) throws -> Header? {
        guard let first = buffer.readInteger(as: UInt8.self), let second = buffer.readInteger(as: UInt8.self) else { return nil }
        guard let opcode = WebSocketOpcode(encodedWebSocketOpcode: first & 0x0F) else { throw NIOWebSocketError.invalidFrameLength }
        let fin = first & 0x80 != 0
        var length = Int(second & 0x7F)
        if length == 126 {
            guard let extended = buffer.readInteger(as: UInt16.self) else { return nil }
            length = Int(extended)
        } else if length == 127 {
            guard let extended = buffer.readInteger(as: UInt64.self) else { return nil }
            guard extended <= UInt64(maxFrameSize) else { throw NIOWebSocketError.invalidFrameLength }
            length = Int(extended)
        }
        if opcode.isControlOpcode {
            guard fin else { throw NIOWebSocketError.fragmentedControlFrame }
            guard length <= 125 else { throw NIOWebSocketError.multiByteControlFrameLength }
        }
        guard length <= maxFrameSize else { throw NIOWebSocketError.invalidFrameLength }
        var maskKey: WebSocketMaskingKey?
        if second & 0x80 != 0 {
            guard let bytes = buffer.readBytes(length: 4) else { return nil }
            maskKey = WebSocketMaskingKey(bytes)!
        }
        return Header(fin: fin, rsv1: first & 0x40 != 0, rsv2: first & 0x20 != 0, rsv3: first & 0x10 != 0,
                      opcode: opcode, maskKey: maskKey, length: length)
    }

    /// An agent need not mask, but a masked frame is read all the same.
    private static func unmasked(_ piece: ByteBuffer, key: WebSocketMaskingKey, offset: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        var plain = allocator.buffer(capacity: piece.readableBytes)
        plain.writeWithUnsafeMutableBytes(minimumWritableBytes: piece.readableBytes) { destination in
            piece.withUnsafeReadableBytes { WebSocketMask.copy($0, masked: key, to: destination, offset: offset) }
            return piece.readableBytes
        }
        return plain
    }
}

@available(*, unavailable)
extension StreamingFrameDecoder: Sendable {}
