extension ScreenBuffer {
    /// Clears a rectangle and draws a frame around it with `title` in the
    /// top edge: the shape of every dialog.
    mutating func box(x: Int, y: Int, width: Int, height: Int, title: String, symbols: Symbols) {
        guard width >= 4, height >= 2 else { return }
        let blank = String(repeating: " ", count: width - 2)
        let rule = String(repeating: symbols.horizontal, count: width - 2)
        write(String(symbols.corners[0]) + rule + String(symbols.corners[1]), x: x, y: y, role: .title)
        for row in (y + 1)..<(y + height - 1) {
            write(String(symbols.vertical), x: x, y: row, role: .title)
            write(blank, x: x + 1, y: row)
            write(String(symbols.vertical), x: x + width - 1, y: row, role: .title)
        }
        write(String(symbols.corners[2]) + rule + String(symbols.corners[3]), x: x, y: y + height - 1, role: .title)
        write(" \(title) ", x: x + 2, y: y, role: .title, maxWidth: width - 4, ellipsis: symbols.ellipsis)
    }

    /// Writes `parts` one after another from column `x`, each in its own
    /// role, clipped at `maxWidth` columns in all.
    @discardableResult
    mutating func write(_ parts: [(String, StyleRole)], x: Int, y: Int, maxWidth: Int, ellipsis: Character) -> Int {
        var used = 0
        for (text, role) in parts where used < maxWidth {
            used += write(text, x: x + used, y: y, role: role, maxWidth: maxWidth - used, ellipsis: ellipsis)
        }
        return used
    }
}
