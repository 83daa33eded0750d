import SluiceCore

/// A text field as drawn in a fixed number of columns: its text, or a grey
/// placeholder while it is empty; when focused, the cursor as a highlighted
/// cell. A text wider than the room scrolls sideways so that the cursor
/// stays in view, with an ellipsis at the side that is cut.
struct TextFieldView {
    let field: TextField
    let isFocused: Bool
    let symbols: Symbols

    func parts(width: Int, placeholder: String? = nil) -> [(String, StyleRole)] {
        guard width > 0 else { return [] }
        // Each character as the buffer will draw it (a pasted control
        // character shows as ^X), so columns are counted right.
        let cells = Array(field.shown(mask: symbols.mask)).map { TerminalText.sanitized(String($0), limit: .max) }
        if cells.isEmpty, let placeholder, !placeholder.isEmpty {
            guard isFocused else { return [(placeholder, .muted)] }
            return [(String(placeholder.first!), .selected), (String(placeholder.dropFirst()), .muted)]
        }
        let cursor = min(field.cursor, cells.count)
        // The first character shown: as far left as keeps the cursor (and,
        // at the end, its empty cell) within `width`, found walking back
        // from the cursor (a pasted page is not measured again per start).
        let cursorColumns = isFocused ? columns(of: cursor < cells.count ? cells[cursor] : " ") : 0
        var start = cursor
        var used = cursorColumns
        while start > 0, used + columns(of: cells[start - 1]) <= width {
            used += columns(of: cells[start - 1])
            start -= 1
        }
        // Room for the ellipsis that says the start is cut.
        if start > 0, used + 1 > width, start < cursor { start += 1 }
        var parts: [(String, StyleRole)] = []
        if start > 0 { parts.append((String(symbols.ellipsis), .muted)) }
        parts.append((cells[start..<cursor].joined(), .normal))
        guard isFocused else {
            parts.append((cells[cursor...].joined(), .normal))
            return parts
        }
        parts.append((cursor < cells.count ? cells[cursor] : " ", .selected))
        if cursor + 1 < cells.count { parts.append((cells[(cursor + 1)...].joined(), .normal)) }
        return parts
    }

    private func columns(of text: String) -> Int { DisplayWidth.of(text) }
}
