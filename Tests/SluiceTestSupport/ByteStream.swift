/// A reproducible pseudo-random byte stream (xorshift64*), so a receiver can
/// check every byte it gets without the sender keeping a copy. Also the
/// seeded generator of the fuzz tests: a run that fails fails the same way
/// every time.
public struct ByteStream: Sendable, RandomNumberGenerator {
    private var state: UInt64
    /// Bytes of the current word not handed out yet, so the stream is the
    /// same however callers cut it into chunks.
    private var word: UInt64 = 0
    private var wordBytesLeft = 0

    public init(seed: UInt64) {
        state = seed == 0 ? 0x9E3779B97F4A7C15 : seed
    }

    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        for index in 0..<buffer.count {
            if wordBytesLeft == 0 {
                word = next()
                wordBytesLeft = 8
            }
            buffer[index] = UInt8(truncatingIfNeeded: word)
            word >>= 8
            wordBytesLeft -= 1
        }
    }

    /// The next 64 bits.
    public mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545F4914F6CDD1D
    }

    /// FNV-1a over bytes, for compact reports of what was received.
    public static func fnv1a(_ bytes: UnsafeRawBufferPointer, into hash: inout UInt64) {
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100000001B3
        }
    }

    public static let fnvSeed: UInt64 = 0xCBF29CE484222325
}
