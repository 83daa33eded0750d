/// A column of a table on screen (the forwards, the connections): its
/// title, its width in columns, and whether its cells align right.
struct TableColumn {
    var title: String
    var width: Int
    var alignRight = false

    /// Draws one row of `cells` under `columns` from column `x`, a blank
    /// column between cells, each cut with `ellipsis` to its width.
    static func drawRow(_ cells: [(String, StyleRole)], columns: [TableColumn], x start: Int, y: Int,
                        into buffer: inout ScreenBuffer, ellipsis: Character) {
        var x = start
        for (column, cell) in zip(columns, cells) {
            let (text, role) = cell
            let left = column.alignRight ? x + max(0, column.width - DisplayWidth.of(text)) : x
            buffer.write(text, x: left, y: y, role: role, maxWidth: column.width, ellipsis: ellipsis)
            x += column.width + 1
        }
    }
}
