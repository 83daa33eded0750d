/// Clicks and the wheel: a click selects a row or a pane, a click on a
/// forward's switch (ON) toggles it, a click on the key bar runs that
/// command, the wheel moves through the list under it. While a dialog or
/// a question is open, clicks do nothing (the wheel scrolls the log).
extension AppState {
    mutating func handleMouse(_ event: MouseEvent) -> [Effect] {
        guard prompts.isEmpty else { return [] }
        switch overlay {
        case .log:
            if event.kind == .wheelUp { return handleLogKey(.up) }
            if event.kind == .wheelDown { return handleLogKey(.down) }
            return []
        case .help:
            if event.kind == .wheelUp { handleHelpKey(.up) }
            if event.kind == .wheelDown { handleHelpKey(.down) }
            return []
        case .connections(let view):
            handleConnectionsMouse(event, view)
            return []
        case .some:
            return []
        case nil:
            break
        }
        isEditingFilter = false
        let layout = MainLayout(state: self, width: screenWidth, height: screenHeight)
        let overServers = event.y < layout.forwardHeaderY
        switch event.kind {
        case .wheelUp, .wheelDown:
            guard event.y < layout.detailsY else { return [] }
            focus = overServers ? .servers : .forwards
            return run(event.kind == .wheelUp ? .moveUp : .moveDown)
        case .press:
            break
        }
        if event.y == layout.barY { return layout.barCommand(atColumn: event.x).map { run($0) } ?? [] }
        if event.y == layout.serverHeaderY { focus = .servers }
        if event.y == layout.forwardHeaderY { focus = .forwards }
        if let server = layout.server(atRow: event.y, in: self) {
            focus = .servers
            if server.name != currentServer?.name {
                selectedServer = server.name
                selectedForward = visibleForwards.first?.name
            }
        }
        if let forward = layout.forward(atRow: event.y, in: self) {
            focus = .forwards
            selectedForward = forward.name
            if MainLayout.switchColumns.contains(event.x) { return run(.toggle) }
        }
        return []
    }
}
