import SluiceTestSupport

/// Makes inputs a parser did not expect from ones it does: bytes flipped,
/// inserted, deleted, repeated and spliced, with a bias towards the
/// characters that mean something to Sluice's parsers and to terminals.
struct Mutator {
    var random: ByteStream

    /// Characters worth inserting: separators of specs, destinations, JSON
    /// and ssh configs, quotes, escapes, controls, invisible and bidi
    /// characters, digits and letters. No '/' or '~', so that an ssh
    /// config's Include can only name files under the test's own folder.
    static let interesting: [[UInt8]] = (Array(":[]@,%*?!\"#=\\ \t\n\r{}-_.0123456789abcXYZ$`;'()").map { Array(String($0).utf8) })
        + ["\u{1B}", "\u{0}", "\u{7F}", "\u{9B}", "\u{202E}", "\u{200B}", "\u{FEFF}", "é", "\u{1F680}",
           "65535", "65536", "0", "-1", "99999999999999999999", "1e400", "::", "127.", "none", "true", "null",
           "\\u0000", "\\ud800", "[::1]", "localhost"].map { Array($0.utf8) }

    init(seed: UInt64) {
        random = ByteStream(seed: seed)
    }

    mutating func int(_ range: Range<Int>) -> Int {
        Int.random(in: range, using: &random)
    }

    mutating func chance(_ oneIn: Int) -> Bool {
        int(0..<oneIn) == 0
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[int(0..<items.count)]
    }

    /// `seed` changed by one to `most` mutations; `others` lends pieces to
    /// splice in.
    mutating func mutate(_ seed: [UInt8], others: [[UInt8]] = [], most: Int = 8) -> [UInt8] {
        var bytes = seed
        for _ in 0..<int(1..<most + 1) {
            let position = bytes.isEmpty ? 0 : int(0..<bytes.count + 1)
            switch int(0..<8) {
            case 0 where !bytes.isEmpty && position < bytes.count:
                bytes[position] ^= UInt8(1 << int(0..<8))
            case 1:
                bytes.insert(contentsOf: pick(Self.interesting), at: position)
            case 2 where !bytes.isEmpty:
                let start = int(0..<bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + int(1..<16)))
            case 3 where !bytes.isEmpty:
                let start = int(0..<bytes.count)
                let piece = Array(bytes[start..<min(bytes.count, start + int(1..<32))])
                for _ in 0..<int(1..<4) { bytes.insert(contentsOf: piece, at: int(0..<bytes.count + 1)) }
            case 4 where !others.isEmpty:
                let other = pick(others)
                guard !other.isEmpty else { continue }
                let start = int(0..<other.count)
                bytes.insert(contentsOf: other[start..<min(other.count, start + int(1..<64))], at: position)
            case 5 where !bytes.isEmpty:
                bytes.removeSubrange(int(0..<bytes.count)...)
            case 6 where position < bytes.count:
                bytes[position] = UInt8(int(0..<256))
            default:
                bytes.insert(contentsOf: pick(Self.interesting), at: position)
            }
        }
        return bytes
    }

    /// A string of `count` interesting pieces, from nothing.
    mutating func random(pieces count: Int) -> [UInt8] {
        (0..<count).flatMap { _ in pick(Self.interesting) }
    }
}
