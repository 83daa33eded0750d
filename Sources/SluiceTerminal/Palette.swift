import CNcursesw
import SluiceTUI

/// Style roles as curses attributes and colour pairs: the only place that
/// knows what colour "error" is. Without colour, roles fall back to bold,
/// dim and reverse, so the screen still reads.
struct Palette {
    struct Style {
        var attributes: attr_t
        var pair: Int16
    }

    private var styles: [StyleRole: Style] = [:]

    init(colors: Bool) {
        let bold = sluice_attr_bold()
        let plain = sluice_attr_normal()
        let dim = sluice_attr_dim()
        let reverse = sluice_attr_reverse()
        // Muted text is grey (colour 8) where the terminal has 16 colours,
        // dim white with fewer, dim without colour.
        let hasGrey = colors && sluice_colors() >= 16
        let grey = hasGrey ? Int16(8) : Int16(COLOR_WHITE)
        var pairs: [Int16: Int16] = [:]
        if colors {
            // Foreground on the terminal's own background (-1).
            let foregrounds = [Int16(COLOR_GREEN), Int16(COLOR_YELLOW), Int16(COLOR_RED), Int16(COLOR_CYAN), grey]
            for (index, color) in foregrounds.enumerated() {
                let pair = Int16(index + 1)
                init_pair(pair, color, -1)
                pairs[color] = pair
            }
        }
        func pair(_ color: Int16) -> Int16 { pairs[color] ?? 0 }
        styles = [
            .normal: Style(attributes: plain, pair: 0),
            .title: Style(attributes: bold, pair: 0),
            .selected: Style(attributes: reverse | bold, pair: 0),
            .current: Style(attributes: bold, pair: 0),
            .ok: Style(attributes: plain, pair: pair(Int16(COLOR_GREEN))),
            .warning: Style(attributes: colors ? plain : bold, pair: pair(Int16(COLOR_YELLOW))),
            .error: Style(attributes: bold, pair: pair(Int16(COLOR_RED))),
            .muted: Style(attributes: hasGrey ? plain : dim, pair: pair(grey)),
            .key: Style(attributes: bold, pair: pair(Int16(COLOR_CYAN))),
        ]
    }

    func style(for role: StyleRole) -> Style {
        styles[role] ?? Style(attributes: sluice_attr_normal(), pair: 0)
    }
}
