import Foundation

/// A bounded FIFO of bytes between a socket and a channel. Bytes are taken
/// from the front and added at the back. Storage grows only as far as it is
/// used, up to `capacity`, and compacts itself when the back runs out of
/// room, so it never holds more than `capacity` bytes.
struct ByteQueue {
    let capacity: Int
    private var storage: [UInt8] = []
    private var start = 0
    private var end = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { end - start }
    var isEmpty: Bool { start == end }
    var freeSpace: Int { capacity - count }

    /// Lets `body` fill free space at the back and returns what it reports filling.
    mutating func append(upTo limit: Int = .max, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        let room = makeRoom(min(limit, freeSpace))
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
        let taken = makeRoom(bytes.count)
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

    /// Makes contiguous room at the back for up to `wanted` bytes (never
    /// more than the free space) and returns how much there is.
    private mutating func makeRoom(_ wanted: Int) -> Int {
        let want = min(wanted, freeSpace)
        guard want > 0 else { return 0 }
        if storage.count - end >= want { return want }
        if start > 0 { compact() }
        if storage.count - end < want {
            grow(to: min(capacity, max(end + want, storage.count * 2)))
        }
        return min(want, storage.count - end)
    }

    /// New storage of `size` bytes holding the live ones. Filled with
    /// memset and memcpy, not appended a byte at a time: in a debug build
    /// (the tests') that took 30 ms per 64 KiB, so a crowd of 2,048
    /// connections reset at once kept the loop busy for a minute.
    private mutating func grow(to size: Int) {
        let live = end
        storage = storage.withUnsafeBytes { old in
            [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                if live > 0 { raw.baseAddress!.copyMemory(from: old.baseAddress!, byteCount: live) }
                memset(raw.baseAddress! + live, 0, size - live)
                initialized = size
            }
        }
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
