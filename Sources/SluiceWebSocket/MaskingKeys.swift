import CDescriptors
import Foundation
import NIOWebSocket

/// Masking keys for the client's frames, from the kernel's random source
/// (getrandom), fetched up to 1,024 keys at a time rather than with a
/// system call for each. A 256 KiB read goes out as four 64 KiB frames, each
/// with a key of its own (RFC 6455, 5.3), and a getrandom per frame was
/// about 1 % of `port-forward`'s samples in `perf` of an upload. The keys
/// stay the kernel's unpredictable bytes, as section 10.3 asks; they are
/// only fetched in batches.
struct MaskingKeys {
    /// The most keys fetched at once (4 KiB). A stream starts with none
    /// and fetches 16, then twice as many each time: a short connection
    /// sends a few frames and holds 64 bytes, a transfer soon takes 1,024
    /// keys per system call. (4 KiB from the start, in each of a
    /// stream's two handlers, would have been 8 MiB of `port-forward`
    /// with 1,000 streams open.)
    private static let largestBatch = 4096
    private static let firstBatch = 64
    private var bytes: [UInt8] = []
    private var used = 0

    mutating func next() -> WebSocketMaskingKey {
        if used == bytes.count {
            bytes = [UInt8](repeating: 0, count: bytes.isEmpty ? Self.firstBatch : min(Self.largestBatch, bytes.count * 2))
            Self.fill(&bytes)
            used = 0
        }
        defer { used += 4 }
        return WebSocketMaskingKey(bytes[used..<(used + 4)])!
    }

    private static func fill(_ buffer: inout [UInt8]) {
        let error = buffer.withUnsafeMutableBytes { sluice_random_bytes($0.baseAddress, UInt($0.count)) == 0 ? 0 : errno }
        // Linux has had getrandom since 3.17; without it there is no sound
        // source of keys, and no frame may go unmasked.
        precondition(error == 0, "getrandom failed: \(String(cString: strerror(error)))")
    }
}
