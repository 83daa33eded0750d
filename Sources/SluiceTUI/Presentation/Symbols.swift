/// The characters the screen draws with: Unicode where the terminal's
/// locale allows it, plain ASCII otherwise.
public struct Symbols: Sendable, Equatable {
    public var connected: Character
    public var connecting: Character
    public var failed: Character
    public var idle: Character
    public var exposed: Character
    public var ellipsis: Character
    public var mask: Character
    public var horizontal: Character
    public var vertical: Character
    /// Top left, top right, bottom left, bottom right.
    public var corners: [Character]
    public var separator: String
    public var outbound: String
    public var inbound: String
    /// Bar heights for sparklines, lowest (no traffic) first.
    public var sparkline: [Character]

    public static let unicode = Symbols(
        connected: "●", connecting: "◌", failed: "✖", idle: "○", exposed: "⚠", ellipsis: "…", mask: "•",
        horizontal: "─", vertical: "│", corners: ["┌", "┐", "└", "┘"], separator: " · ", outbound: "↑", inbound: "↓",
        sparkline: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"])

    public static let ascii = Symbols(
        connected: "*", connecting: "~", failed: "x", idle: "-", exposed: "!", ellipsis: "~", mask: "*",
        horizontal: "-", vertical: "|", corners: ["+", "+", "+", "+"], separator: " | ", outbound: "out ", inbound: "in ",
        sparkline: ["_", ".", ",", "-", "=", "+", "*", "#"])
}
