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
        var pairs: [Int16: Int16] = [:]
        if colors {
            // Foreground on the terminal's own background (-1).
            let foregrounds: [Int16] = [Int16(COLOR_GREEN), Int16(COLOR_YELLOW), Int16(COLOR_RED), Int16(COLOR_CYAN),
                                        sluice_colors() >= 16 ? 8 : Int16(COLOR_WHITE)]
            for (index, color) in foregrounds.enumerated() {
                let pair = Int16(index + 1)
                init_pair(pair, color, -1)
                pairs[color] = pair
            }
        }
        func pair(_ color: Int32) -> Int16 { colors ? pairs[Int16(color)] ?? 0 : 0 }
        let grey: Int16 = colors ? (sluice_colors() >= 16 ? pairs[8] ?? 0 : pairs[Int16(COLOR_WHITE)] ?? 0) : 0
        styles = [
            .normal: Style(attributes: plain, pair: 0),
            .title: Style(attributes: bold, pair: 0),
            .selected: Style(attributes: reverse | bold, pair: 0),
            .current: Style(attributes: bold, pair: 0),
            .ok: Style(attributes: colors ? plain : plain, pair: pair(COLOR_GREEN)),
            .warning: Style(attributes: colors ? plain : bold, pair: pair(COLOR_YELLOW)),
            .error: Style(attributes: bold, pair: pair(COLOR_RED)),
            .muted: Style(attributes: colors && grey != 0 && sluice_colors() >= 16 ? plain : dim, pair: grey),
            .key: Style(attributes: bold, pair: pair(COLOR_CYAN)),
        ]
    }

    func style(for role: StyleRole) -> Style {
        styles[role] ?? Style(attributes: sluice_attr_normal(), pair: 0)
    }
}
