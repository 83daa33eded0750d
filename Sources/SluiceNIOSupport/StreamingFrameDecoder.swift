import NIOCore
import NIOWebSocket

/// Reads WebSocket frames (RFC 6455, section 5.2) and passes a data
/// frame's payload on as it arrives, in slices of the socket's reads,
/// rather than gathering each frame whole first: swift-nio's decoder
/// copies every frame that spans two reads into one buffer, which was 9
/// to 13 % of the receiving process's samples in a transfer, on either
/// end. A data frame comes out as one or more frames of the same message
/// (the first with its opcode, the rest as continuations, the last with
/// its FIN); control and text frames come out whole. Nothing is copied or
/// unmasked here: a masked slice keeps the frame's key turned to where
/// the slice starts, so `unmaskedData`, or an unmasking copy the reader
/// makes anyway, gives the right bytes. Errors are swift-nio's, for its
/// WebSocketProtocolErrorHandler or the reader's own handling.
public final class StreamingFrameDecoder: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = WebSocketFrame

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

    /// Room made at first for a frame gathered whole; a control frame
    /// (at most 125 bytes) always fits.
    private static let gatherAhead = 1024
    private let maxFrameSize: Int
    private var state = State.header
    /// Header bytes that came without the rest of the header, copied out
    /// of their read.
    private var partialHeader: ByteBuffer?
    /// Two bytes, eight of extended length, four of masking key.
    private static let longestHeader = 14

    public init(maxFrameSize: Int) {
        self.maxFrameSize = maxFrameSize
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard finishHeader(from: &buffer, context: context) else { return }
        while true {
            switch state {
            case .failed:
                return
            case .header:
                guard buffer.readableBytes > 0 else { return }
                switch readHeader(from: &buffer, context: context) {
                case .failed:
                    return
                case .short:
                    var kept = context.channel.allocator.buffer(capacity: Self.longestHeader)
                    kept.writeBuffer(&buffer)
                    partialHeader = kept
                    return
                case .header(let header):
                    begin(header, in: &buffer, context: context)
                }
            case .streaming(let header, let done):
                if header.length == 0 {
                    state = .header
                    continue
                }
                guard buffer.readableBytes > 0 else { return }
                let count = min(header.length - done, buffer.readableBytes)
                let piece = buffer.readSlice(length: count)!
                state = done + count == header.length ? .header : .streaming(header, done: done + count)
                emit(header, piece: piece, offset: done, last: done + count == header.length, context: context)
            case .gathering(let header, var collected):
                let count = min(header.length - collected.readableBytes, buffer.readableBytes)
                var piece = buffer.readSlice(length: count)!
                collected.writeBuffer(&piece)
                guard collected.readableBytes == header.length else {
                    state = .gathering(header, collected)
                    return
                }
                state = .header
                emit(header, piece: collected, offset: 0, last: true, context: context)
            }
        }
    }

    /// Passes on `piece`, the frame's bytes from `offset`.
    /// Completes a header that the last read cut short with the first
    /// bytes of this one, copying only the header's own bytes: keeping
    /// the last read (a view of it) kept swift-nio from using its buffer
    /// again, and writing this read behind it copied the whole read into a
    /// fresh buffer. False when this read is used up or decoding failed.
    private func finishHeader(from buffer: inout ByteBuffer, context: ChannelHandlerContext) -> Bool {
        guard var header = partialHeader else { return true }
        partialHeader = nil
        let kept = header.readableBytes
        var front = buffer.getSlice(at: buffer.readerIndex, length: min(buffer.readableBytes, Self.longestHeader - kept))!
        header.writeBuffer(&front)
        let start = header.readerIndex
        switch readHeader(from: &header, context: context) {
        case .failed:
            return false
        case .short:
            // Still short: this read was all header.
            partialHeader = header
            return false
        case .header(let parsed):
            buffer.moveReaderIndex(forwardBy: header.readerIndex - start - kept)
            begin(parsed, in: &buffer, context: context)
            return true
        }
    }

    private enum HeaderRead {
        case header(Header)
        /// Not all of it yet; nothing was taken from the buffer.
        case short
        case failed
    }

    /// A header from the front of `buffer`; on an error, decoding stops
    /// and the error goes down the pipeline.
    private func readHeader(from buffer: inout ByteBuffer, context: ChannelHandlerContext) -> HeaderRead {
        let start = buffer.readerIndex
        do {
            guard let header = try Self.header(from: &buffer, maxFrameSize: maxFrameSize) else {
                buffer.moveReaderIndex(to: start)
                return .short
            }
            return .header(header)
        } catch {
            state = .failed
            context.fireErrorCaught(error)
            return .failed
        }
    }

    /// Starts on a frame whose header was just read.
    private func begin(_ header: Header, in buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        if header.opcode == .binary || header.opcode == .continuation {
            state = .streaming(header, done: 0)
            if header.length == 0 { emit(header, piece: buffer.readSlice(length: 0)!, offset: 0, last: true, context: context) }
        } else {
            // Grown as bytes come, not sized by what the header claims: a
            // peer's ten bytes must not cost a megabyte.
            state = .gathering(header, context.channel.allocator.buffer(capacity: min(header.length, Self.gatherAhead)))
        }
    }

    private func emit(_ header: Header, piece: ByteBuffer, offset: Int, last: Bool, context: ChannelHandlerContext) {
        let frame = WebSocketFrame(fin: last && header.fin, rsv1: header.rsv1, rsv2: header.rsv2, rsv3: header.rsv3,
                                   opcode: offset == 0 ? header.opcode : .continuation,
                                   maskKey: header.maskKey.map { Self.turned($0, by: offset) }, data: piece)
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

    /// The key that unmasks a frame's bytes from `offset` on: byte n of
    /// the slice is byte offset + n of the frame, masked with the key's
    /// byte (offset + n) mod 4.
    private static func turned(_ key: WebSocketMaskingKey, by offset: Int) -> WebSocketMaskingKey {
        let shift = offset % 4
        guard shift != 0 else { return key }
        return WebSocketMaskingKey((0..<4).map { key[(($0 + shift) % 4)] })!
    }
}

@available(*, unavailable)
extension StreamingFrameDecoder: Sendable {}
