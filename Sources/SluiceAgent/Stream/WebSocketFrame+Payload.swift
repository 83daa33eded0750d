import NIOCore
import NIOWebSocket
import SluiceCore

extension WebSocketFrame {
    /// The frame's application data, unmasked by WebSocketMask (eight bytes
    /// at a time) rather than by swift-nio's `unmaskedData` (one at a time).
    var payload: ByteBuffer {
        var data = self.data
        if let maskKey {
            data.withUnsafeMutableReadableBytes { WebSocketMask.apply(maskKey, to: $0) }
        }
        return data
    }
}
