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
        case .connections:
            guard focus == .forwards, let server = currentServer, let forward = currentForward else { return toggle() }
            let reference = ForwardReference(server: server.name, forward: forward.name)
            overlay = .connections(ConnectionsView(forward: reference))
            return [.listConnections(reference)]
        case .connect: return connect()
        case .retry: return retry()
        case .addForward:
            guard let server = currentServer else {
                note("Add a server first: press A.")
                return []
            }
            overlay = .forwardForm(ForwardForm(server: server.name, targets: server.targetRule))
        case .addServer:
            overlay = .serverForm(ServerForm())
        case .edit:
            if focus == .forwards, let server = currentServer, let forward = currentForward {
                overlay = .forwardForm(ForwardForm(server: server.name, targets: server.targetRule, editing: forward))
            } else if let server = currentServer {
                overlay = .serverForm(ServerForm(editing: server))
            }
        case .delete:
            if focus == .forwards, let server = currentServer, let forward = currentForward {
                overlay = .confirm(.deleteForward(ForwardReference(server: server.name, forward: forward.name)))
            } else if let server = currentServer {
                overlay = .confirm(.deleteServer(server.name, forwards: server.forwards.count))
            }
        case .copyAddress: return copy(command: false)
        case .copyCommand: return copy(command: true)
        case .filter:
            // A new search, as / is in less and vim: the old text would
            // only be typed onto.
            filter = TextField()
            isEditingFilter = true
        case .log:
            logScroll = 0
            overlay = .log
        case .help:
            helpScroll = 0
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
            if let server = currentServer { note("No forward here yet: press a to add one.", server: server.name) }
            return []
        }
        let reference = ForwardReference(server: server.name, forward: forward.name)
        return save(.setEnabled(reference, !forward.enabled), saying: "Switched \(reference) \(forward.enabled ? "off" : "on").")
    }

    private mutating func connect() -> [Effect] {
        guard let server = currentServer else { return [] }
        guard !server.forwards.isEmpty else {
            note("\(server.name) has no forwards to connect for: press a to add one.", server: server.name)
            return []
        }
        if server.forwards.contains(where: \.enabled) {
            return save(.setAllEnabled(server: server.name, false), saying: "Disconnected \(server.name): its forwards are off.")
        }
        return save(.setAllEnabled(server: server.name, true), saying: "Connecting \(server.name): all its forwards are on.")
    }

    /// The selected forward's address to use, or the ssh command that makes
    /// it; on the servers pane, the server's destination or the ssh command
    /// for all its forwards.
    private mutating func copy(command: Bool) -> [Effect] {
        guard let server = currentServer else { return [] }
        let forward = focus == .forwards ? currentForward : nil
        let text: String
        var what: String
        // A server's forwards that are on; all of them when none is.
        let switchedOn = server.forwards.filter(\.enabled)
        let chosen = forward.map { [$0] } ?? (switchedOn.isEmpty ? server.forwards : switchedOn)
        if command, let arguments = server.sshArguments(for: chosen) {
            text = ShellWords.joined(arguments)
            what = "the ssh command"
        } else if command, let first = chosen.first, let arguments = server.portForwardArguments(for: first) {
            // One forward per command: port-forward carries one service.
            text = ShellWords.joined(arguments)
            what = "the port-forward command"
        } else if let forward {
            let status = status(of: ForwardReference(server: server.name, forward: forward.name))
            text = ForwardPresentation(forward: forward, status: status).addressToUse
            what = forward.kind == .reverse ? "\(text) (an address on \(server.name))" : text
        } else {
            text = server.address.description
            what = text
        }
        if command && what != text { what += " " + text }
        return copyEffects(text, saying: what, server: server.name)
    }

    /// Puts `text` on the clipboard and says so, with how to let it
    /// through tmux when the screen runs in tmux.
    mutating func copyEffects(_ text: String, saying what: String, server: String) -> [Effect] {
        note("Copied \(what) to the clipboard\(isInsideTmux ? " (if tmux drops it: set -g set-clipboard on)" : "").", server: server)
        return [.copy(text)]
    }

    private mutating func retry() -> [Effect] {
        guard let server = currentServer else { return [] }
        guard server.forwards.contains(where: \.enabled) else {
            note("\(server.name) has no forward switched on, so there is nothing to connect.", server: server.name)
            return []
        }
        note("Retrying \(server.name) now.", server: server.name)
        return [.retry(server: server.name)]
    }
}
