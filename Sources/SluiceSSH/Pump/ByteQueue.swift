import Foundation

/// A bounded FIFO of bytes between a socket and a channel. Bytes are taken
/// from the front and added at the back; it never holds more than
/// `capacity` bytes.
///
/// Storage comes from the thread's `QueueStoragePool` when bytes arrive,
/// grows as far as it is used, and goes back to the pool when the queue
/// empties, so an idle connection holds none. While `keepsStorage` is set
/// (a window grown on a long link: see `Connection.growWindow`) it stays
/// instead: handing back and taking again up to 16 MiB per round trip cost
/// that transfer two thirds of its speed.
struct ByteQueue: ~Copyable {
    /// The most a queue asks for at once after emptying (see
    /// `lastStorageSize`): a bulk transfer's batch, not its largest burst.
    static let rememberedSizeLimit = 256 * 1024

    let capacity: Int
    private let pool: QueueStoragePool
    private var storage: UnsafeMutableRawBufferPointer?
    /// The size of the storage last given back (up to
    /// `rememberedSizeLimit`): a busy connection asks for as much again at
    /// once, not growing (and copying) up to it each burst.
    private var lastStorageSize = 0
    /// Keep storage when emptied.
    var keepsStorage = false
    private var start = 0
    private var end = 0

    init(capacity: Int, pool: QueueStoragePool) {
        self.capacity = capacity
        self.pool = pool
    }

    deinit {
        if let storage { pool.recycle(storage) }
    }

    var count: Int { end - start }
    var isEmpty: Bool { start == end }
    var freeSpace: Int { capacity - count }
    /// Bytes of storage held now (zero while empty, unless kept).
    var storageSize: Int { storage?.count ?? 0 }

    /// Lets `body` fill free space at the back and returns what it reports filling.
    mutating func append(upTo limit: Int = .max, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        let room = makeRoom(min(limit, freeSpace))
        guard room > 0, let storage else { return 0 }
        let filled = body(UnsafeMutableRawBufferPointer(rebasing: storage[end..<(end + room)]))
        precondition(filled >= 0 && filled <= room)
        end += filled
        if isEmpty { releaseStorage() }
        return filled
    }

    /// Copies in as much of `bytes` as fits; returns how much.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> Int {
        let taken = makeRoom(bytes.count)
        guard taken > 0, let storage else { return 0 }
        storage.baseAddress!.advanced(by: end).copyMemory(from: bytes.baseAddress!, byteCount: taken)
        end += taken
        return taken
    }

    /// Lets `body` read the queued bytes and drops as many as it reports using.
    @discardableResult
    mutating func consume(_ body: (UnsafeRawBufferPointer) -> Int) -> Int {
        guard !isEmpty, let storage else { return 0 }
        let used = body(UnsafeRawBufferPointer(rebasing: storage[start..<end]))
        precondition(used >= 0 && used <= count)
        start += used
        if isEmpty { releaseStorage() }
        return used
    }

    /// Makes contiguous room at the back for up to `wanted` bytes (never
    /// more than the free space) and returns how much there is.
    private mutating func makeRoom(_ wanted: Int) -> Int {
        let want = min(wanted, freeSpace)
        guard want > 0 else { return 0 }
        if storageSize - end >= want { return want }
        if start > 0 { compact() }
        if storageSize - end < want {
            grow(to: max(end + want, storageSize * 2))
        }
        return min(want, storageSize - end)
    }

    /// Storage of at least `size` bytes (at most what `capacity` needs)
    /// holding the live ones; the old storage goes back to the pool.
    private mutating func grow(to size: Int) {
        let fresh = pool.take(atLeast: min(max(size, lastStorageSize), capacity), ceiling: capacity)
        if let old = storage {
            if end > 0 { fresh.baseAddress!.copyMemory(from: old.baseAddress!, byteCount: end) }
            pool.recycle(old)
        }
        storage = fresh
    }

    private mutating func compact() {
        guard let storage else { return }
        // The live bytes may overlap their new place: memmove, not memcpy.
        memmove(storage.baseAddress!, storage.baseAddress!.advanced(by: start), count)
        end = count
        start = 0
    }

    /// Empty again: the storage goes back to the pool, unless kept.
    private mutating func releaseStorage() {
        start = 0
        end = 0
        guard let held = storage, !keepsStorage else { return }
        storage = nil
        lastStorageSize = min(held.count, Self.rememberedSizeLimit)
        pool.recycle(held)
    }
}
