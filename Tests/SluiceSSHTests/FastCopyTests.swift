import CFastCopy
import Foundation
import Testing

/// Sluice's memcpy (CFastCopy) splits mid-sized copies: every size and
/// alignment must still copy exactly, and leave the bytes around alone.
@Suite struct FastCopyTests {
    @Test func copiesEverySizeAndAlignmentExactly() {
        let split = Int(sluice_fast_copy_split_size())
        let sizes = [0, 1, 63, 1023, 1024, 1025, split - 1, split, split + 1, 4097, 32768 + 13, 300_000, (1 << 20) + 5]
        let source = (0..<((1 << 20) + 200)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 9) }
        var destination = [UInt8](repeating: 0xEE, count: source.count + 200)
        var failures: [String] = []
        for size in sizes {
            for (sourceOffset, destinationOffset) in [(0, 0), (0, 4), (5, 13), (17, 4), (64, 3)] {
                for index in destination.indices { destination[index] = 0xEE }
                source.withUnsafeBytes { from in
                    destination.withUnsafeMutableBytes { to in
                        _ = memcpy(to.baseAddress! + destinationOffset, from.baseAddress! + sourceOffset, size)
                    }
                }
                let copied = destination[destinationOffset..<(destinationOffset + size)].elementsEqual(source[sourceOffset..<(sourceOffset + size)])
                let before = destination[0..<destinationOffset].allSatisfy { $0 == 0xEE }
                let after = destination[(destinationOffset + size)...].allSatisfy { $0 == 0xEE }
                if !(copied && before && after) { failures.append("size \(size) from +\(sourceOffset) to +\(destinationOffset)") }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }
}
