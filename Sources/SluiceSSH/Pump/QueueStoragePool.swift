import Foundation

/// Spare storage for the byte queues of one thread's connections.
///
/// A queue takes storage when bytes arrive and gives it back the moment it
/// empties (see `ByteQueue`), so storage follows the bytes in flight, not
/// the connections open: a thousand connections that each moved 64 KiB
/// hold nothing between bursts, where storage kept per queue held about
/// 100 MiB. Spares up to `spareLimit` wait here for the next burst, so a
/// busy connection does not go back to malloc for every one.
///
/// Raw memory, never cleared: a queue hands out only bytes written into it.
/// Used by one thread only (a session loop or a hop relay), so unlocked.
final class QueueStoragePool {
    /// Storage comes in powers of two from here, so spares fit the next
    /// queue that asks.
    static let smallest = 64 * 1024

    let spareLimit: Int
    private var spares: [UnsafeMutableRawBufferPointer] = []
    private(set) var spareBytes = 0

    init(spareLimit: Int = 2 * 1024 * 1024) {
        self.spareLimit = spareLimit
    }

    deinit {
        for spare in spares { spare.deallocate() }
    }

    /// Storage for at least `size` bytes: the smallest spare that fits and
    /// is at most twice that and no more than `ceiling`, or new storage of
    /// the next power of two (from `smallest`), but not past `ceiling` when
    /// that is enough.
    func take(atLeast size: Int, ceiling: Int) -> UnsafeMutableRawBufferPointer {
        precondition(size > 0 && size <= ceiling)
        var best: Int?
        for (index, spare) in spares.enumerated() where spare.count >= size && spare.count <= min(ceiling, max(2 * size, Self.smallest)) {
            if best == nil || spare.count < spares[best!].count { best = index }
        }
        if let best {
            let spare = spares.remove(at: best)
            spareBytes -= spare.count
            return spare
        }
        var rounded = Self.smallest
        while rounded < size { rounded <<= 1 }
        return UnsafeMutableRawBufferPointer.allocate(byteCount: min(rounded, ceiling), alignment: 16)
    }

    /// Takes storage back: kept as a spare while there is room, else freed.
    func recycle(_ storage: UnsafeMutableRawBufferPointer) {
        guard spareBytes + storage.count <= spareLimit else {
            storage.deallocate()
            return
        }
        spares.append(storage)
        spareBytes += storage.count
    }
}
