import SluiceCore

/// A grid of character cells with style roles: what the views draw into and
/// the terminal driver copies out. Being a plain value, a screen can be
/// compared as text in tests without a terminal.
public struct ScreenBuffer: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var character: Character
        public var role: StyleRole
        /// The right half of a wide character drawn in the cell to the left.
        public var isContinuation: Bool

        public static let blank = Cell(character: " ", role: .normal, isContinuation: false)
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Writes `text` from column `x` on row `y`, clipped to the screen and to
    /// `maxWidth` columns; when it does not fit, its end becomes `ellipsis`.
    /// Returns the number of columns written.
    ///
    /// Control and invisible characters are written as what they are (`^[`,
    /// `<U+202E>`), never stored: much of what is shown comes from servers
    /// and files, and the terminal would obey an escape sequence in it.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, role: StyleRole = .normal,
                               maxWidth: Int? = nil, ellipsis: Character = "…") -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? Int.max, width - max(0, x))
        guard limit > 0 else { return 0 }
        let visible = TerminalText.sanitized(text, limit: .max)
        var characters = Array(visible)
        if DisplayWidth.of(visible) > limit {
            let marker = TerminalText.sanitized(String(ellipsis))
            let room = limit - DisplayWidth.of(marker)
            var kept: [Character] = []
            var used = 0
            for character in characters {
                let columns = DisplayWidth.of(character)
                if used + columns > room { break }
                kept.append(character)
                used += columns
            }
            characters = kept + Array(marker)
        }
        var column = x
        for character in characters {
            let columns = DisplayWidth.of(character)
            if columns == 0 {
                // A combining mark joins the character before it.
                if column > x, column - 1 >= 0 { append(character, toCellAt: column - 1, y: y) }
                continue
            }
            guard column + columns <= x + limit else { break }
            if column >= 0 { put(character, x: column, y: y, role: role, columns: columns) }
            column += columns
        }
        return column - x
    }

    /// Paints `role` over a whole row, keeping its characters (e.g. the
    /// selected row of a list).
    public mutating func paint(row y: Int, role: StyleRole, from x: Int = 0, to end: Int? = nil) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, end ?? width) {
            cells[y * width + column].role = role
        }
    }

    /// Each row as text, trailing blanks removed: the form of screen snapshots.
    public var lines: [String] {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width where !self[x, y].isContinuation {
                line.append(self[x, y].character)
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    public var text: String { lines.joined(separator: "\n") }

    private mutating func put(_ character: Character, x: Int, y: Int, role: StyleRole, columns: Int) {
        clearWideCharacter(at: x, y: y)
        if columns == 2 { clearWideCharacter(at: x + 1, y: y) }
        cells[y * width + x] = Cell(character: character, role: role, isContinuation: false)
        if columns == 2 && x + 1 < width {
            cells[y * width + x + 1] = Cell(character: " ", role: role, isContinuation: true)
        }
    }

    /// Overwriting either half of a wide character blanks the other half,
    /// so no half-character is ever left on screen.
    private mutating func clearWideCharacter(at x: Int, y: Int) {
        guard x < width else { return }
        let index = y * width + x
        if cells[index].isContinuation, x > 0 {
            cells[index - 1] = Cell(character: " ", role: cells[index - 1].role, isContinuation: false)
        } else if x + 1 < width, cells[index + 1].isContinuation {
            cells[index + 1] = Cell(character: " ", role: cells[index + 1].role, isContinuation: false)
        }
        cells[index].isContinuation = false
    }

    private mutating func append(_ mark: Character, toCellAt x: Int, y: Int) {
        var index = y * width + x
        if cells[index].isContinuation, x > 0 { index -= 1 }
        let combined = String(cells[index].character) + String(mark)
        if let character = combined.first, combined.count == 1 { cells[index].character = character }
    }
}
