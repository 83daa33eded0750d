/// Which item of a list is on its first row. It moves only as far as
/// keeps the selected item in view, as in htop: moving up from the bottom
/// row moves the highlight, and the list scrolls only once it reaches the
/// top.
public struct ScrollPosition: Sendable, Equatable {
    public var firstShown = 0

    public init() {}

    /// The first item to show for `selected` in `rows` rows of `count`.
    public func offset(selected: Int, rows: Int, count: Int) -> Int {
        guard rows > 0 else { return 0 }
        let highest = max(0, count - rows)
        return min(highest, max(selected - rows + 1, min(firstShown, selected)))
    }

    public mutating func follow(selected: Int, rows: Int, count: Int) {
        firstShown = offset(selected: selected, rows: rows, count: count)
    }
}
