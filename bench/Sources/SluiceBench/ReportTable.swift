/// The results as a Markdown table, readable as plain text too: columns
/// padded to their widest cell.
struct ReportTable {
    static let header = ["Measure"] + Tunnel.Kind.allCases.map(\.rawValue) + ["Sluice/OpenSSH", "Target", "Met"]

    var rows: [ReportRow]

    var markdown: String {
        let lines = [Self.header] + rows.map(\.cells)
        var widths = Array(repeating: 0, count: Self.header.count)
        for line in lines {
            for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func render(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { index, cell in
                // Text left, figures right.
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return index == 0 || index >= cells.count - 2 ? cell + padding : padding + cell
            }.joined(separator: " | ") + " |"
        }
        let rule = "|" + widths.enumerated().map { index, width in
            let dashes = String(repeating: "-", count: width)
            return index == 0 || index >= widths.count - 2 ? "-\(dashes)-" : "-\(dashes):"
        }.joined(separator: "|") + "|"
        return ([render(Self.header), rule] + rows.map { render($0.cells) }).joined(separator: "\n")
    }
}
