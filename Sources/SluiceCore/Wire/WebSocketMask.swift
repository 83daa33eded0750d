/// RFC 6455's masking (section 5.3): each payload byte XORed with the key's
/// byte at its index modulo 4. Masking and unmasking are the same.
///
/// Done eight bytes at a time. swift-nio 2.101's own `webSocketMask` goes
/// one byte at a time through an index modulo 4: a profile of an upload
/// through `sluice port-forward` and `sluice agent` put it at about 27% of
/// both processes' CPU. Both ends mask with this instead (the client's
/// frames through MaskingFrameEncoder, the agent's reads through
/// `WebSocketFrame.payload`).
public enum WebSocketMask {
    /// Masks `bytes` in place with `key` (4 bytes), the first byte taking
    /// the key's byte at `offset` modulo 4.
    public static func apply(_ key: some Collection<UInt8>, to bytes: UnsafeMutableRawBufferPointer, offset: Int = 0) {
        let keyBytes = Array(key)
        precondition(keyBytes.count == 4, "a WebSocket masking key has 4 bytes")
        var rotated = [UInt8](repeating: 0, count: 4)
        for index in 0..<4 { rotated[index] = keyBytes[(index + offset) % 4] }
        // The key twice, in memory order, so a word loaded from the payload
        // meets each key byte where it belongs whatever the byte order.
        var pattern: UInt64 = 0
        withUnsafeMutableBytes(of: &pattern) { word in
            for index in 0..<8 { word[index] = rotated[index % 4] }
        }
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            bytes.storeBytes(of: word ^ pattern, toByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            bytes[index] ^= rotated[index % 4]
            index += 1
        }
    }
}
