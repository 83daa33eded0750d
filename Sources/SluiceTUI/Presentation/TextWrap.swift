/// Breaks text into lines of at most `width` columns at spaces; a word
/// longer than a line is cut.
enum TextWrap {
    static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(word)
            let candidate = current.isEmpty ? word : current + " " + word
            if DisplayWidth.of(candidate) <= width {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            while DisplayWidth.of(word) > width {
                var head = ""
                while let next = word.first, DisplayWidth.of(head) + DisplayWidth.of(next) <= width {
                    head.append(word.removeFirst())
                }
                lines.append(head)
            }
            current = word
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
