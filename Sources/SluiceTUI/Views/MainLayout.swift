import SluiceCore

/// Where the main screen puts things for a state and a screen size. The
/// views draw by it and clicks are read by it, so a click lands on what
/// was drawn.
struct MainLayout {
    let width: Int
    let height: Int
    let serverHeaderY = 1
    /// The first server row, how many rows the list has, and how many
    /// servers are scrolled off above.
    let serverTop = 2
    let serverRows: Int
    let serverOffset: Int
    let forwardHeaderY: Int
    /// The table's title row; forward rows follow it.
    let tableTop: Int
    /// Rows for the table, its title row included.
    let tableRows: Int
    let forwardOffset: Int
    let detailsY: Int
    var eventY: Int { height - 2 }
    var barY: Int { height - 1 }
    /// The key bar: each command shown, from column `x`, and its text.
    let bar: [(command: Command, x: Int, parts: [(String, StyleRole)])]
    /// The columns of the table's switch (ON) cells.
    static let switchColumns = 2..<5

    init(state: AppState, width: Int, height: Int) {
        self.width = width
        self.height = height
        let servers = state.visibleServers
        serverRows = min(max(1, servers.count), max(2, (height - 10) / 3))
        let selectedServer = servers.firstIndex { $0.name == state.currentServer?.name } ?? 0
        serverOffset = state.serverScroll.offset(selected: selectedServer, rows: serverRows, count: servers.count)
        forwardHeaderY = serverTop + serverRows
        tableTop = forwardHeaderY + 1
        tableRows = max(1, height - tableTop - 6)
        let forwards = state.visibleForwards
        let selectedForward = forwards.firstIndex { $0.name == state.currentForward?.name } ?? 0
        forwardOffset = state.forwardScroll.offset(selected: selectedForward, rows: max(0, tableRows - 1), count: forwards.count)
        detailsY = tableTop + tableRows
        bar = Self.keyBar(width: width)
    }

    /// The server drawn on row `y`, if any.
    func server(atRow y: Int, in state: AppState) -> Server? {
        let index = y - serverTop
        guard index >= 0, index < serverRows else { return nil }
        let servers = state.visibleServers
        return servers.indices.contains(serverOffset + index) ? servers[serverOffset + index] : nil
    }

    /// The forward drawn on row `y`, if any.
    func forward(atRow y: Int, in state: AppState) -> Forward? {
        let index = y - tableTop - 1
        guard index >= 0, index < tableRows - 1 else { return nil }
        let forwards = state.visibleForwards
        return forwards.indices.contains(forwardOffset + index) ? forwards[forwardOffset + index] : nil
    }

    /// The key bar command at column `x`.
    func barCommand(atColumn x: Int) -> Command? {
        bar.last { $0.x <= x }.flatMap { entry in
            x < entry.x + entry.parts.reduce(0) { $0 + DisplayWidth.of($1.0) } ? entry.command : nil
        }
    }

    /// As many of the bar's commands as fit, in order; help and quit always.
    private static func keyBar(width: Int) -> [(command: Command, x: Int, parts: [(String, StyleRole)])] {
        func entry(_ command: Command) -> [(String, StyleRole)] {
            guard let binding = KeyMap.binding(for: command), let key = binding.keys.first else { return [] }
            return [(key.label, .key), (" \(binding.short)  ", .muted)]
        }
        func columns(_ parts: [(String, StyleRole)]) -> Int { parts.reduce(0) { $0 + DisplayWidth.of($1.0) } }
        let always = KeyMap.barAlways.map { ($0, entry($0)) }
        let alwaysWidth = always.reduce(0) { $0 + columns($1.1) }
        var chosen: [(Command, [(String, StyleRole)])] = []
        var used = 0
        for command in KeyMap.bar where !KeyMap.barAlways.contains(command) {
            let next = entry(command)
            if used + columns(next) + alwaysWidth > width { break }
            chosen.append((command, next))
            used += columns(next)
        }
        var x = 0
        return (chosen + always).map { command, parts in
            defer { x += columns(parts) }
            return (command, x, parts)
        }
    }
}
