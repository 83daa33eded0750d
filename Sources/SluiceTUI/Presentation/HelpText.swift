/// The help screen's lines for a width: every main-screen key with what
/// it does (wrapped under itself), then the keys of forms and the mouse.
enum HelpText {
    static let preferredWidth = 78

    static func lines(width: Int, symbols: Symbols) -> [[(String, StyleRole)]] {
        let labelWidth = (KeyMap.main.map { DisplayWidth.of($0.label) }.max() ?? 10) + 2
        let indent = String(repeating: " ", count: labelWidth)
        var lines: [[(String, StyleRole)]] = []
        for binding in KeyMap.main {
            let label = binding.label + String(repeating: " ", count: max(1, labelWidth - DisplayWidth.of(binding.label)))
            let help = TextWrap.lines(binding.help, width: max(10, width - labelWidth))
            lines.append([(label, .key), (help.first ?? "", .normal)])
            lines += help.dropFirst().map { [(indent + $0, .normal)] }
        }
        lines.append([])
        lines.append([("In forms and questions", .title)])
        let dialogKeys = KeyMap.dialogs.map { "\($0.keys) \($0.help)" }.joined(separator: symbols.separator)
        lines += TextWrap.lines(dialogKeys, width: width).map { [($0, StyleRole.normal)] }
        lines.append([("Mouse (sluice --no-mouse leaves it to the terminal)", .title)])
        let mouse = KeyMap.mouse.map { "\($0.action): \($0.help)" }.joined(separator: symbols.separator)
        lines += TextWrap.lines(mouse, width: width).map { [($0, StyleRole.normal)] }
        return lines
    }
}
