import Foundation

/// Items that each expire the same time after they arrive, so the oldest is
/// always the next to expire: the loop learns its next deadline, and finds
/// what expired, by looking at the front only, never by scanning every
/// connection on every turn. Every operation is O(1) (amortized).
///
/// Items that no longer wait (`waiting` says) are dropped when they reach
/// the front; an item that ends early is taken out by its ticket, so the
/// queue does not keep it (and a connection's socket) alive until its
/// deadline. Items are held strongly: weak references would cost every
/// connection a side table.
struct ExpiryQueue<Item: AnyObject> {
    typealias Instant = ContinuousClock.Instant

    /// Names an item's place for `remove`: its position since the queue began.
    typealias Ticket = Int

    /// Entries before `head` are gone (their items let go at once); they
    /// are cut off in bulk now and then, not one at a time (that would move
    /// the whole array each time).
    private var entries: [(item: Item?, deadline: Instant)] = []
    private var head = 0
    /// Entries cut off so far: a ticket minus this is an index.
    private var cutOff = 0

    /// Deadlines must come in order: the same delay after each arrival.
    mutating func append(_ item: Item, deadline: Instant) -> Ticket {
        entries.append((item, deadline))
        return cutOff + entries.count - 1
    }

    /// Lets go of the item `ticket` names, if it is still queued.
    mutating func remove(_ ticket: Ticket) {
        let index = ticket - cutOff
        guard index >= head && index < entries.count else { return }
        entries[index].item = nil
    }

    /// The earliest deadline of an item still waiting, if any.
    mutating func nextDeadline(waiting: (Item) -> Bool) -> Instant? {
        dropFront(waiting: waiting)
        return head < entries.count ? entries[head].deadline : nil
    }

    /// Removes and returns the waiting items whose deadline is `now` or earlier.
    mutating func expire(now: Instant, waiting: (Item) -> Bool) -> [Item] {
        var expired: [Item] = []
        while true {
            dropFront(waiting: waiting)
            guard head < entries.count, entries[head].deadline <= now, let item = entries[head].item else { break }
            expired.append(item)
            pop()
        }
        return expired
    }

    /// Pops items taken out or no longer waiting off the front.
    private mutating func dropFront(waiting: (Item) -> Bool) {
        while head < entries.count {
            if let item = entries[head].item, waiting(item) { break }
            pop()
        }
    }

    private mutating func pop() {
        entries[head].item = nil
        head += 1
        if head == entries.count {
            cutOff += head
            entries.removeAll(keepingCapacity: entries.count <= 4096)
            head = 0
        } else if head >= 1024 && head * 2 >= entries.count {
            cutOff += head
            entries.removeSubrange(0..<head)
            head = 0
        }
    }
}
