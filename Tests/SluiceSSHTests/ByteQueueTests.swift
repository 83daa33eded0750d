@testable import SluiceSSH
import Testing

@Suite struct ByteQueueTests {
    /// Random appends and consumes against a plain array: the queue must hand
    /// out exactly the bytes put in, in order, and never exceed its capacity.
    @Test func behavesLikeAnUnboundedArrayWithinItsCapacity() {
        compareWithAnArray(capacity: 1000, largestChunk: 700, turns: 20_000)
    }

    /// The same with large chunks, so storage grows (and is handed back and
    /// taken again) while bytes are queued.
    @Test func keepsItsBytesAcrossGrowthAndRelease() {
        compareWithAnArray(capacity: 1024 * 1024, largestChunk: 300_000, turns: 400)
    }

    private func compareWithAnArray(capacity: Int, largestChunk: Int, turns: Int) {
        var queue = ByteQueue(capacity: capacity, pool: QueueStoragePool())
        var model: [UInt8] = []
        var generator = SystemRandomNumberGenerator()
        var next: UInt8 = 0
        for _ in 0..<turns {
            if Bool.random(using: &generator) {
                let size = Int.random(in: 0...largestChunk, using: &generator)
                let chunk = (0..<size).map { _ -> UInt8 in next &+= 7; return next }
                let taken = chunk.withUnsafeBytes { queue.append($0) }
                #expect(taken == min(size, capacity - model.count))
                model += chunk[0..<taken]
            } else {
                let want = Int.random(in: 0...largestChunk, using: &generator)
                var got: [UInt8] = []
                queue.consume { bytes in
                    let used = min(want, bytes.count)
                    got = Array(bytes[0..<used])
                    return used
                }
                #expect(got == Array(model.prefix(got.count)))
                model.removeFirst(got.count)
            }
            #expect(queue.count == model.count)
            #expect(queue.count <= queue.capacity)
            #expect(queue.storageSize >= queue.count)
            #expect(queue.isEmpty == (queue.storageSize == 0))
        }
    }

    @Test func appendThroughAClosureFillsOnlyFreeSpace() {
        var queue = ByteQueue(capacity: 8, pool: QueueStoragePool())
        #expect(queue.append { buffer in buffer.count } == 8)
        #expect(queue.append { _ in Issue.record("called when full"); return 0 } == 0)
        queue.consume { _ in 5 }
        #expect(queue.freeSpace == 5)
        #expect(queue.append { buffer in buffer.count } == 5)
    }

    /// An idle connection holds no storage: the queue gives it back as it
    /// empties, and the next burst takes the same storage again.
    @Test func storageGoesBackToThePoolWhenEmptied() {
        let pool = QueueStoragePool()
        var queue = ByteQueue(capacity: 256 * 1024, pool: pool)
        let chunk = [UInt8](repeating: 7, count: 100_000)
        #expect(chunk.withUnsafeBytes { queue.append($0) } == 100_000)
        #expect(queue.storageSize == 128 * 1024)
        #expect(pool.spareBytes == 0)
        queue.consume { $0.count / 2 }
        #expect(queue.storageSize == 128 * 1024, "storage stays while bytes are queued")
        queue.consume { $0.count }
        #expect(queue.storageSize == 0)
        #expect(pool.spareBytes == 128 * 1024)
        // A small burst asks for as much as the last one needed, so a busy
        // connection does not grow its storage again each time.
        #expect(chunk[0..<10].withUnsafeBytes { queue.append($0) } == 10)
        #expect(queue.storageSize == 128 * 1024)
        #expect(pool.spareBytes == 0)
        // A read that brings nothing leaves nothing held.
        queue.consume { $0.count }
        #expect(queue.append { _ in 0 } == 0)
        #expect(queue.storageSize == 0)
    }

    /// A window grown on a long link comes back in bursts of up to 16 MiB:
    /// while the queue is told to keep its storage, it does.
    @Test func storageStaysWithAQueueThatKeepsIt() {
        let pool = QueueStoragePool()
        var queue = ByteQueue(capacity: 4 * 1024 * 1024, pool: pool)
        queue.keepsStorage = true
        #expect(queue.append(upTo: 1_500_000) { $0.count } == 1_500_000)
        queue.consume { $0.count }
        #expect(queue.storageSize == 2 * 1024 * 1024)
        #expect(pool.spareBytes == 0)
        queue.keepsStorage = false
        #expect(queue.append(upTo: 10) { $0.count } == 10)
        queue.consume { $0.count }
        #expect(queue.storageSize == 0, "given back once no longer kept")
    }

    /// A spare much larger than asked for is not handed out: a small queue
    /// would hold it for a burst of a few bytes.
    @Test func thePoolHandsOutOnlySparesThatFit() {
        let pool = QueueStoragePool(spareLimit: 8 * 1024 * 1024)
        let large = pool.take(atLeast: 2 * 1024 * 1024, ceiling: 4 * 1024 * 1024)
        pool.recycle(large)
        let small = pool.take(atLeast: 1000, ceiling: 256 * 1024)
        #expect(small.count == QueueStoragePool.smallest)
        #expect(pool.spareBytes == 2 * 1024 * 1024)
        small.deallocate()
        let again = pool.take(atLeast: 1024 * 1024 + 1, ceiling: 4 * 1024 * 1024)
        #expect(again.baseAddress == large.baseAddress, "a spare up to twice the size asked is used")
        again.deallocate()
    }

    /// Spares are kept only up to the pool's limit; the rest is freed, and
    /// queues dropped with storage give it back too.
    @Test func thePoolKeepsSparesOnlyUpToItsLimit() {
        let pool = QueueStoragePool(spareLimit: 256 * 1024)
        var queues = (0..<8).map { _ in Box(ByteQueue(capacity: 64 * 1024, pool: pool)) }
        for box in queues { #expect(box.queue.append { $0.count } == 64 * 1024) }
        #expect(pool.spareBytes == 0)
        for box in queues { box.queue.consume { $0.count } }
        #expect(pool.spareBytes == 256 * 1024)
        for box in queues { #expect(box.queue.append { $0.count } == 64 * 1024) }
        #expect(pool.spareBytes == 0)
        queues.removeAll()
        #expect(pool.spareBytes == 256 * 1024)
    }

    private final class Box {
        var queue: ByteQueue
        init(_ queue: consuming ByteQueue) { self.queue = queue }
    }
}
