import Foundation

/// Items that each expire the same time after they arrive, so the oldest is
/// always the next to expire: the loop learns its next deadline, and finds
/// what expired, by looking at the front only, never by scanning every
/// connection on every turn.
///
/// Items are held weakly, so a connection that ended early is not kept
/// alive (nor its socket open) until its deadline comes round; items that
/// no longer wait (`waiting` says) are dropped when they reach the front.
/// Each item is appended and removed once: O(1) work per item overall.
struct ExpiryQueue<Item: AnyObject> {
    private struct Entry {
        weak var item: Item?
        let deadline: Date
    }

    private var entries: [Entry] = []
    /// Entries before `head` are gone; they are cut off in bulk now and
    /// then, not one at a time (that would move the whole array each time).
    private var head = 0

    /// Deadlines must come in order: the same delay after each arrival.
    mutating func append(_ item: Item, deadline: Date) {
        entries.append(Entry(item: item, deadline: deadline))
    }

    /// The earliest deadline of an item still waiting, if any.
    mutating func nextDeadline(waiting: (Item) -> Bool) -> Date? {
        dropFront(waiting: waiting)
        return head < entries.count ? entries[head].deadline : nil
    }

    /// Removes and returns the waiting items whose deadline is `now` or earlier.
    mutating func expire(now: Date, waiting: (Item) -> Bool) -> [Item] {
        var expired: [Item] = []
        while true {
            dropFront(waiting: waiting)
            guard head < entries.count, entries[head].deadline <= now, let item = entries[head].item else { break }
            expired.append(item)
            head += 1
        }
        compact()
        return expired
    }

    private mutating func dropFront(waiting: (Item) -> Bool) {
        while head < entries.count {
            guard let item = entries[head].item, waiting(item) else {
                head += 1
                continue
            }
            return
        }
        compact()
    }

    private mutating func compact() {
        if head == entries.count {
            entries.removeAll(keepingCapacity: entries.count <= 4096)
            head = 0
        } else if head >= 1024 && head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}
