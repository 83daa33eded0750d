@testable import SluiceSSH
import Testing

@Suite struct ByteQueueTests {
    /// Random appends and consumes against a plain array: the queue must hand
    /// out exactly the bytes put in, in order, and never exceed its capacity.
    @Test func behavesLikeAnUnboundedArrayWithinItsCapacity() {
        var queue = ByteQueue(capacity: 1000)
        var model: [UInt8] = []
        var generator = SystemRandomNumberGenerator()
        var next: UInt8 = 0
        for _ in 0..<20_000 {
            if Bool.random(using: &generator) {
                let size = Int.random(in: 0...700, using: &generator)
                let chunk = (0..<size).map { _ -> UInt8 in next &+= 1; return next }
                let taken = chunk.withUnsafeBytes { queue.append($0) }
                #expect(taken == min(size, 1000 - model.count))
                model += chunk[0..<taken]
            } else {
                let want = Int.random(in: 0...700, using: &generator)
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
        }
    }

    @Test func appendThroughAClosureFillsOnlyFreeSpace() {
        var queue = ByteQueue(capacity: 8)
        #expect(queue.append { buffer in buffer.count } == 8)
        #expect(queue.append { _ in Issue.record("called when full"); return 0 } == 0)
        queue.consume { _ in 5 }
        #expect(queue.freeSpace == 5)
        #expect(queue.append { buffer in buffer.count } == 5)
    }
}
