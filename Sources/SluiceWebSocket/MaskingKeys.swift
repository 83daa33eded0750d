import CDescriptors
import Foundation
import NIOWebSocket

/// Masking keys for the client's frames, from the kernel's random source
/// (getrandom), fetched 1,024 keys at a time rather than with a system
/// call for each. A 256 KiB read goes out as four 64 KiB frames, each
/// with a key of its own (RFC 6455, 5.3), and a getrandom per frame was
/// about 1 % of `port-forward`'s samples in `perf` of an upload. The keys
/// stay the kernel's unpredictable bytes, as section 10.3 asks; they are
/// only fetched in batches.
struct MaskingKeys {
    private static let batch = 4096
    private var bytes = [UInt8](repeating: 0, count: MaskingKeys.batch)
    private var used = MaskingKeys.batch

    mutating func next() -> WebSocketMaskingKey {
        if used == bytes.count {
            Self.fill(&bytes)
            used = 0
        }
        defer { used += 4 }
        return WebSocketMaskingKey(bytes[used..<(used + 4)])!
    }

    private static func fill(_ buffer: inout [UInt8]) {
        let result = buffer.withUnsafeMutableBytes { sluice_random_bytes($0.baseAddress, UInt($0.count)) }
        // Linux has had getrandom since 3.17; without it there is no sound
        // source of keys, and no frame may go unmasked.
        precondition(result == 0, "getrandom failed: \(String(cString: strerror(errno)))")
    }
}
