import Foundation
@testable import SluiceSSH
import Testing

@Suite struct ExpiryQueueTests {
    final class Item {
        var waiting = true
    }

    let start = Date(timeIntervalSince1970: 1_000_000)

    @Test func theOldestStillWaitingIsNextAndExpiresFirst() {
        var queue = ExpiryQueue<Item>()
        let items = (0..<3).map { _ in Item() }
        for (index, item) in items.enumerated() {
            queue.append(item, deadline: start.addingTimeInterval(Double(index + 1)))
        }
        #expect(queue.nextDeadline(waiting: \.waiting) == start.addingTimeInterval(1))
        // The first stopped waiting (its client named a target): skipped.
        items[0].waiting = false
        #expect(queue.nextDeadline(waiting: \.waiting) == start.addingTimeInterval(2))
        #expect(queue.expire(now: start.addingTimeInterval(1.5), waiting: \.waiting).isEmpty)
        let expired = queue.expire(now: start.addingTimeInterval(2.5), waiting: \.waiting)
        #expect(expired.count == 1 && expired.first === items[1])
        #expect(queue.nextDeadline(waiting: \.waiting) == start.addingTimeInterval(3))
        #expect(queue.expire(now: start.addingTimeInterval(10), waiting: \.waiting).map(ObjectIdentifier.init) == [ObjectIdentifier(items[2])])
        #expect(queue.nextDeadline(waiting: \.waiting) == nil)
    }

    /// A connection that ended early is released at once, not held by the
    /// queue until its deadline (it owns a socket).
    @Test func holdsItemsWeakly() {
        var queue = ExpiryQueue<Item>()
        weak var released: Item?
        do {
            let item = Item()
            released = item
            queue.append(item, deadline: start.addingTimeInterval(5))
        }
        #expect(released == nil)
        #expect(queue.nextDeadline(waiting: \.waiting) == nil)
    }

    /// Many items over time: each comes and goes once, and the next deadline
    /// is always the oldest waiting one.
    @Test func manyItemsInArrivalOrder() {
        var queue = ExpiryQueue<Item>()
        var alive: [Item] = []
        for step in 0..<10_000 {
            let item = Item()
            alive.append(item)
            queue.append(item, deadline: start.addingTimeInterval(Double(step)))
            if step % 3 == 0 { item.waiting = false }
        }
        var expiredCount = 0
        for second in stride(from: 0, to: 10_000, by: 100) {
            let now = start.addingTimeInterval(Double(second) + 0.5)
            let expired = queue.expire(now: now, waiting: \.waiting)
            #expect(expired.allSatisfy { $0.waiting })
            expiredCount += expired.count
            if let next = queue.nextDeadline(waiting: \.waiting) { #expect(next > now) }
        }
        #expect(expiredCount == alive.filter { $0.waiting }.count - alive[9_901...].filter { $0.waiting }.count)
    }
}
