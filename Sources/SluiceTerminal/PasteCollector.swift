import SluiceTUI

/// The text of a bracketed paste while it is read, up to its end marker.
/// Bounded two ways, so a paste whose end never arrives cannot take every
/// later key (Ctrl+C included): an end marker that came split, which
/// ncurses then hands over as plain characters, still ends it; and a paste
/// that has been quiet for a second ends with what came. Text past
/// `limit` characters is dropped (no field takes that much).
struct PasteCollector {
    static let limit = 64 * 1024
    static let quietLimit: Duration = .seconds(1)
    private static let endMarker: [Unicode.Scalar] = ["\u{1B}", "[", "2", "0", "1", "~"]

    private var scalars: [Unicode.Scalar] = []
    /// The last characters taken, kept or not: where an end marker shows.
    private var tail: [Unicode.Scalar] = []
    private var lastInput: ContinuousClock.Instant

    init(at time: ContinuousClock.Instant) {
        lastInput = time
    }

    /// Takes one character of the paste; true when it completed an end
    /// marker that came as characters, which ends the paste.
    mutating func take(_ scalar: Unicode.Scalar, at time: ContinuousClock.Instant) -> Bool {
        lastInput = time
        if scalars.count < Self.limit + Self.endMarker.count { scalars.append(scalar == "\r" ? "\n" : scalar) }
        tail.append(scalar)
        if tail.count > Self.endMarker.count { tail.removeFirst() }
        guard tail == Self.endMarker else { return false }
        if Array(scalars.suffix(Self.endMarker.count)) == Self.endMarker { scalars.removeLast(Self.endMarker.count) }
        return true
    }

    func isQuiet(at time: ContinuousClock.Instant) -> Bool {
        time - lastInput >= Self.quietLimit
    }

    /// The paste as a key.
    var key: Key {
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars.prefix(Self.limit))
        return .paste(text)
    }
}
