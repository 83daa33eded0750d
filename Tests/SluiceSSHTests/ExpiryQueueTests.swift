import Foundation
@testable import SluiceSSH
import Testing

@Suite struct ExpiryQueueTests {
    final class Item {
        var waiting = true
    }

    let start = ContinuousClock.now

    @Test func theOldestStillWaitingIsNextAndExpiresFirst() {
        var queue = ExpiryQueue<Item>()
        let items = (0..<3).map { _ in Item() }
        for (index, item) in items.enumerated() {
            _ = queue.append(item, deadline: start + .seconds(Double(index + 1)))
        }
        #expect(queue.nextDeadline(waiting: \.waiting) == start + .seconds(1))
        // The first stopped waiting (its client named a target): skipped.
        items[0].waiting = false
        #expect(queue.nextDeadline(waiting: \.waiting) == start + .seconds(2))
        #expect(queue.expire(now: start + .seconds(1.5), waiting: \.waiting).isEmpty)
        let expired = queue.expire(now: start + .seconds(2.5), waiting: \.waiting)
        #expect(expired.count == 1 && expired.first === items[1])
        #expect(queue.nextDeadline(waiting: \.waiting) == start + .seconds(3))
        #expect(queue.expire(now: start + .seconds(10), waiting: \.waiting).map(ObjectIdentifier.init) == [ObjectIdentifier(items[2])])
        #expect(queue.nextDeadline(waiting: \.waiting) == nil)
    }

    /// A connection that ended early is let go at once, not held by the
    /// queue until its deadline (it owns a socket); so is one that expired
    /// or stopped waiting.
    @Test func letsGoOfItemsTakenOutExpiredOrPassed() {
        var queue = ExpiryQueue<Item>()
        let last = Item()
        weak var passed: Item?
        weak var expired: Item?
        weak var removed: Item?
        do {
            let first = Item(), second = Item(), third = Item()
            passed = first
            expired = second
            removed = third
            _ = queue.append(first, deadline: start + .seconds(0))
            _ = queue.append(second, deadline: start + .seconds(1))
            let ticket = queue.append(third, deadline: start + .seconds(2))
            _ = queue.append(last, deadline: start + .seconds(3))
            first.waiting = false
            queue.remove(ticket)
            #expect(queue.expire(now: start + .seconds(1), waiting: \.waiting).map(ObjectIdentifier.init) == [ObjectIdentifier(second)])
        }
        #expect(passed == nil && expired == nil && removed == nil)
        // The removed one is skipped: the last is next.
        #expect(queue.nextDeadline(waiting: \.waiting) == start + .seconds(3))
    }

    /// Many items over time, some taken out by ticket after the queue cut
    /// its front: each expires once, in order, and tickets stay valid.
    @Test func manyItemsInArrivalOrder() {
        var queue = ExpiryQueue<Item>()
        var tickets: [ExpiryQueue<Item>.Ticket] = []
        var items: [Item] = []
        for step in 0..<10_000 {
            let item = Item()
            items.append(item)
            tickets.append(queue.append(item, deadline: start + .seconds(Double(step))))
            if step % 3 == 0 { item.waiting = false }
        }
        var expired: [ObjectIdentifier] = []
        for second in stride(from: 0, to: 10_000, by: 100) {
            // Items ending early, some already cut off the front.
            for index in [second / 2 + 1, second + 50] where index < items.count { queue.remove(tickets[index]) }
            let now = start + .seconds(Double(second) + 0.5)
            expired += queue.expire(now: now, waiting: \.waiting).map(ObjectIdentifier.init)
            if let next = queue.nextDeadline(waiting: \.waiting) { #expect(next > now) }
        }
        // Taken out in time: those that had not expired at the previous look.
        let removed = Set(stride(from: 0, to: 10_000, by: 100).flatMap { second in [second / 2 + 1, second + 50].filter { $0 > second - 100 } })
        let wanted = (0...9_900).filter { $0 % 3 != 0 && !removed.contains($0) }
        let positions = Dictionary(uniqueKeysWithValues: items.enumerated().map { (ObjectIdentifier($1), $0) })
        let got = expired.compactMap { positions[$0] }
        let firstDifference = zip(got, wanted).enumerated().first { $1.0 != $1.1 }.map { "at \($0): got \($1.0), wanted \($1.1)" }
        #expect(got.count == wanted.count && firstDifference == nil, "\(got.count) expired, \(wanted.count) wanted; \(firstDifference ?? "")")
    }
}
