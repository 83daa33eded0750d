import Foundation

/// A bounded FIFO of bytes between a socket and a channel. Bytes are taken
/// from the front and added at the back; the buffer compacts itself when
/// the back runs out of room, so it never grows past its capacity.
struct ByteQueue {
    let capacity: Int
    private var storage: [UInt8]
    private var start = 0
    private var end = 0

    init(capacity: Int) {
        self.capacity = capacity
        storage = [UInt8](repeating: 0, count: capacity)
    }

    var count: Int { end - start }
    var isEmpty: Bool { start == end }
    var freeSpace: Int { capacity - count }

    /// Lets `body` fill free space at the back and returns what it reports filling.
    mutating func append(upTo limit: Int = .max, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        if end == capacity && start > 0 { compact() }
        let room = min(capacity - end, limit)
        guard room > 0 else { return 0 }
        let filled = storage.withUnsafeMutableBytes { raw in
            body(UnsafeMutableRawBufferPointer(rebasing: raw[end..<(end + room)]))
        }
        precondition(filled >= 0 && filled <= room)
        end += filled
        return filled
    }

    /// Copies in as much of `bytes` as fits; returns how much.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> Int {
        if capacity - end < bytes.count && start > 0 { compact() }
        let taken = min(bytes.count, capacity - end)
        guard taken > 0 else { return 0 }
        storage.withUnsafeMutableBytes { raw in
            raw.baseAddress!.advanced(by: end).copyMemory(from: bytes.baseAddress!, byteCount: taken)
        }
        end += taken
        return taken
    }

    /// Lets `body` read the queued bytes and drops as many as it reports using.
    @discardableResult
    mutating func consume(_ body: (UnsafeRawBufferPointer) -> Int) -> Int {
        guard !isEmpty else { return 0 }
        let used = storage.withUnsafeBytes { raw in
            body(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
        }
        precondition(used >= 0 && used <= count)
        start += used
        if start == end {
            start = 0
            end = 0
        }
        return used
    }

    private mutating func compact() {
        let length = count
        storage.withUnsafeMutableBytes { raw in
            // The live bytes may overlap their new place: memmove, not memcpy.
            _ = memmove(raw.baseAddress!, raw.baseAddress!.advanced(by: start), length)
        }
        start = 0
        end = length
    }
}
