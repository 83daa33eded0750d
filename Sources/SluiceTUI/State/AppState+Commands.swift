import SluiceCore

/// What the main screen's keys do (see `KeyMap`).
extension AppState {
    mutating func run(_ command: Command) -> [Effect] {
        switch command {
        case .moveUp: move(by: -1)
        case .moveDown: move(by: 1)
        case .switchPane: focus = focus == .servers ? .forwards : .servers
        case .focusServers: focus = .servers
        case .focusForwards: focus = .forwards
        case .toggle: return toggle()
        case .connect: return connect()
        case .retry: return retry()
        case .addForward:
            guard let server = currentServer else {
                note("Add a server first: press A.")
                return []
            }
            overlay = .forwardForm(ForwardForm(server: server.name))
        case .addServer:
            overlay = .serverForm(ServerForm())
        case .edit:
            if focus == .forwards, let server = currentServer, let forward = currentForward {
                overlay = .forwardForm(ForwardForm(server: server.name, editing: forward))
            } else if let server = currentServer {
                overlay = .serverForm(ServerForm(editing: server))
            }
        case .delete:
            if focus == .forwards, let server = currentServer, let forward = currentForward {
                overlay = .confirm(.deleteForward(ForwardReference(server: server.name, forward: forward.name)))
            } else if let server = currentServer {
                overlay = .confirm(.deleteServer(server.name, forwards: server.forwards.count))
            }
        case .filter:
            isEditingFilter = true
        case .log:
            logScroll = 0
            overlay = .log
        case .help:
            overlay = .help
        case .quit:
            if onCount > 0 {
                overlay = .confirm(.quit(on: onCount))
            } else {
                return quit(stoppingForwards: false)
            }
        }
        return []
    }

    private mutating func move(by step: Int) {
        switch focus {
        case .servers:
            let names = visibleServers.map(\.name)
            guard let next = Self.step(names, from: currentServer?.name, by: step), next != selectedServer else { return }
            selectedServer = next
            selectedForward = visibleForwards.first?.name
        case .forwards:
            selectedForward = Self.step(visibleForwards.map(\.name), from: currentForward?.name, by: step)
        }
    }

    private static func step(_ names: [String], from current: String?, by step: Int) -> String? {
        guard !names.isEmpty else { return nil }
        let index = current.flatMap { names.firstIndex(of: $0) } ?? 0
        return names[min(names.count - 1, max(0, index + step))]
    }

    private mutating func toggle() -> [Effect] {
        guard focus == .forwards else {
            focus = .forwards
            return []
        }
        guard let server = currentServer, let forward = currentForward else {
            if currentServer != nil { note("No forward here yet: press a to add one.") }
            return []
        }
        let reference = ForwardReference(server: server.name, forward: forward.name)
        return save(.setEnabled(reference, !forward.enabled), saying: "Switched \(reference) \(forward.enabled ? "off" : "on").")
    }

    private mutating func connect() -> [Effect] {
        guard let server = currentServer else { return [] }
        guard !server.forwards.isEmpty else {
            note("\(server.name) has no forwards to connect for: press a to add one.")
            return []
        }
        if server.forwards.contains(where: \.enabled) {
            return save(.setAllEnabled(server: server.name, false), saying: "Disconnected \(server.name): its forwards are off.")
        }
        return save(.setAllEnabled(server: server.name, true), saying: "Connecting \(server.name): all its forwards are on.")
    }

    private mutating func retry() -> [Effect] {
        guard let server = currentServer else { return [] }
        guard server.forwards.contains(where: \.enabled) else {
            note("\(server.name) has no forward switched on, so there is nothing to connect.")
            return []
        }
        note("Retrying \(server.name) now.", server: server.name)
        return [.retry(server: server.name)]
    }
}
