/// RFC 6455's masking (section 5.3): each payload byte XORed with the key's
/// byte at its index modulo 4. Masking and unmasking are the same.
///
/// Done sixteen bytes at a time, four to a turn. swift-nio 2.101's own `webSocketMask` goes
/// one byte at a time through an index modulo 4: a profile of an upload
/// through `sluice port-forward` and `sluice agent` put it at about 27% of
/// both processes' CPU. Both ends mask with this instead (the client's
/// frames through MaskingFrameEncoder, the agent's reads through
/// `WebSocketFrame.payload`).
public enum WebSocketMask {
    /// Masks `bytes` in place with `key` (4 bytes), the first byte taking
    /// the key's byte at `offset` modulo 4.
    @inlinable
    public static func apply(_ key: some Collection<UInt8>, to bytes: UnsafeMutableRawBufferPointer, offset: Int = 0) {
        copy(UnsafeRawBufferPointer(bytes), masked: key, to: bytes, offset: offset)
    }

    /// Writes `source` masked with `key` into `destination` (at least as
    /// long), in one pass: a copy that would be made anyway (the payload
    /// is shared with the buffer it was read into) does the masking too.
    /// `source` and `destination` may be the same memory.
    @inlinable
    public static func copy(_ source: UnsafeRawBufferPointer, masked key: some Collection<UInt8>,
                            to destination: UnsafeMutableRawBufferPointer, offset: Int = 0) {
        precondition(key.count == 4, "a WebSocket masking key has 4 bytes")
        precondition(destination.count >= source.count, "room for the masked bytes")
        // The key four times over, in memory order and turned by `offset`,
        // so sixteen bytes loaded from the payload meet each key byte where
        // it belongs. (No arrays: this runs once per frame.)
        var keyBytes = SIMD4<UInt8>()
        for (index, byte) in key.enumerated() { keyBytes[index] = byte }
        var pattern = SIMD16<UInt8>()
        for index in 0..<16 { pattern[index] = keyBytes[(index + offset) % 4] }
        let count = source.count
        var index = 0
        if let from = source.baseAddress, let to = destination.baseAddress {
            // Four at a turn, then one: fewer of the loop's own
            // instructions per byte. (A SIMD64 is not one vector here: it
            // was 40 times slower.)
            while index + 64 <= count {
                let first = from.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                let second = from.loadUnaligned(fromByteOffset: index + 16, as: SIMD16<UInt8>.self)
                let third = from.loadUnaligned(fromByteOffset: index + 32, as: SIMD16<UInt8>.self)
                let fourth = from.loadUnaligned(fromByteOffset: index + 48, as: SIMD16<UInt8>.self)
                to.storeBytes(of: first ^ pattern, toByteOffset: index, as: SIMD16<UInt8>.self)
                to.storeBytes(of: second ^ pattern, toByteOffset: index + 16, as: SIMD16<UInt8>.self)
                to.storeBytes(of: third ^ pattern, toByteOffset: index + 32, as: SIMD16<UInt8>.self)
                to.storeBytes(of: fourth ^ pattern, toByteOffset: index + 48, as: SIMD16<UInt8>.self)
                index += 64
            }
            while index + 16 <= count {
                let chunk = from.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                to.storeBytes(of: chunk ^ pattern, toByteOffset: index, as: SIMD16<UInt8>.self)
                index += 16
            }
        }
        while index < count {
            destination[index] = source[index] ^ pattern[index % 16]
            index += 1
        }
    }
}
