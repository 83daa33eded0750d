import Foundation
import SluiceCore

/// The one way the screen's state changes. Does no I/O: what must happen
/// outside (saving, the engine) comes back as effects for the run loop.
extension AppState {
    public mutating func reduce(_ action: Action) -> [Effect] {
        switch action {
        case let .key(key, time):
            defer { keepScrollPositions() }
            if case .mouse(let event) = key { return isQuitting ? [] : handleMouse(event) }
            return handle(key, at: time)
        case let .resized(width, height):
            screenWidth = width
            screenHeight = height
            return []
        case let .status(snapshot, time):
            absorb(snapshot, at: time)
            return []
        case .tick(let time):
            now = time
            for (reference, meter) in meters {
                var updated = meter
                let status = status(of: reference)
                updated.record(out: status?.bytesOut ?? 0, in: status?.bytesIn ?? 0, at: time)
                meters[reference] = updated
            }
            return []
        case let .prompt(id, server, prompt, time):
            guard !prompts.contains(where: { $0.id == id }) else { return [] }
            prompts.append(PromptDialog(id: id, server: server, prompt: prompt, shownSince: time))
            return []
        case let .promptWithdrawn(id, time):
            guard let index = prompts.firstIndex(where: { $0.id == id }) else { return [] }
            let withdrawn = prompts.remove(at: index)
            // The next question's guard starts when it comes on screen.
            if index == 0 && !prompts.isEmpty { prompts[0].shownSince = time }
            note("A question of \(withdrawn.server) is no longer asked: it was answered elsewhere, or its server stopped.", server: withdrawn.server)
            return []
        case let .engineNotice(text, isProblem):
            note(text, isProblem: isProblem)
            return []
        case .stored(let saved):
            adopt(saved)
            return []
        case let .storeFailed(message, current):
            note("Not saved: \(message)", isProblem: true)
            if let current { adopt(current) }
            return []
        case let .connections(forward, list):
            absorbConnections(list, of: forward)
            return []
        case let .connectionsRefused(forward, problem):
            connectionsRefused(problem, of: forward)
            return []
        case let .connectionClosed(forward, id, problem):
            connectionClosed(id, of: forward, problem: problem)
            return []
        case let .portChecked(host, port, problem):
            if case .forwardForm(var form) = overlay {
                form.portCheck = ForwardForm.PortCheck(host: host, port: port, problem: problem)
                overlay = .forwardForm(form)
            }
            return []
        }
    }

    private mutating func handle(_ key: Key, at time: ContinuousClock.Instant) -> [Effect] {
        if isQuitting { return [] }
        if !prompts.isEmpty { return handlePromptKey(key, at: time) }
        switch overlay {
        case .help:
            handleHelpKey(key)
            return []
        case .log:
            return handleLogKey(key)
        case .confirm(let confirmation):
            return handleConfirmKey(key, confirmation)
        case .serverForm(let form):
            return handleServerFormKey(key, form)
        case .forwardForm(let form):
            return handleForwardFormKey(key, form)
        case .connections(let view):
            return handleConnectionsKey(key, view)
        case nil:
            break
        }
        if isEditingFilter { return handleFilterKey(key) }
        if key == .escape, !filter.text.isEmpty {
            filter = TextField()
            return []
        }
        guard let command = KeyMap.command(for: key) else { return [] }
        return run(command)
    }

    /// Remembers where the lists are scrolled to, as drawn now, so the next
    /// move scrolls only when the selection would leave the rows.
    private mutating func keepScrollPositions() {
        let layout = MainLayout(state: self, width: screenWidth, height: screenHeight)
        serverScroll.firstShown = layout.serverOffset
        forwardScroll.firstShown = layout.forwardOffset
        if case .connections(var view) = overlay {
            let rows = ConnectionTableView.rows(screenHeight: screenHeight)
            view.scroll.firstShown = ConnectionTableView.offset(of: view, rows: rows)
            overlay = .connections(view)
        }
    }

    /// Applies `change` to the state at once, so the screen shows it before
    /// the save is done, and asks for it to be saved.
    mutating func commit(_ change: StoreChange) -> SluiceError? {
        var changed = document
        do {
            try change.apply(to: &changed)
        } catch {
            return error
        }
        adopt(changed)
        return nil
    }

    /// Takes `saved` as the document, keeping the selection where it can.
    mutating func adopt(_ saved: StoreDocument) {
        document = saved
        narrator.update(servers: saved.servers)
        let names = Set(saved.servers.map(\.name))
        statuses = statuses.filter { names.contains($0.key) }
        keepSelectionVisible()
    }

    /// Moves the selection to the first row shown when the selected server
    /// or forward is gone, or the forward is hidden by the filter.
    private mutating func keepSelectionVisible() {
        let saved = Set(servers.map(\.name))
        if selectedServer.map({ !saved.contains($0) }) ?? true { selectedServer = visibleServers.first?.name }
        if let server = currentServer, selectedForward.map({ server.forward(named: $0) == nil }) ?? true {
            selectedForward = visibleForwards.first?.name
        }
    }

    mutating func note(_ text: String, server: String? = nil, isProblem: Bool = false) {
        events.append(StatusEvent(time: now, server: server, text: text, isProblem: isProblem))
        if events.count > Self.eventLimit { events.removeFirst(events.count - Self.eventLimit) }
    }

    private mutating func absorb(_ snapshot: [ServerStatus], at time: Date) {
        now = time
        for event in narrator.events(for: snapshot, at: time) {
            note(event.text, server: event.server, isProblem: event.isProblem)
        }
        statuses = Dictionary(snapshot.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        var seen: [ForwardReference: TrafficMeter] = [:]
        for server in snapshot {
            for forward in server.forwards {
                let reference = ForwardReference(server: server.name, forward: forward.name)
                var meter = meters[reference] ?? TrafficMeter(out: forward.bytesOut, in: forward.bytesIn, at: time)
                meter.record(out: forward.bytesOut, in: forward.bytesIn, at: time)
                seen[reference] = meter
            }
        }
        meters = seen
    }

    private mutating func handleFilterKey(_ key: Key) -> [Effect] {
        switch key {
        case .enter:
            isEditingFilter = false
        case .escape:
            isEditingFilter = false
            filter = TextField()
        case .up, .down:
            isEditingFilter = false
            return run(key == .up ? .moveUp : .moveDown)
        default:
            _ = filter.edit(with: key)
        }
        keepSelectionVisible()
        return []
    }

    mutating func handleHelpKey(_ key: Key) {
        let width = min(screenWidth - 2, HelpText.preferredWidth) - 4
        let hidden = max(0, HelpText.lines(width: width, symbols: .unicode).count - max(1, screenHeight - 2))
        switch key {
        case .escape, .character("q"), .character("?"), .enter: overlay = nil
        case .up, .character("k"): helpScroll -= 1
        case .down, .character("j"): helpScroll += 1
        case .pageUp: helpScroll -= 10
        case .pageDown: helpScroll += 10
        case .home, .character("g"): helpScroll = 0
        case .end, .character("G"): helpScroll = hidden
        default: break
        }
        helpScroll = min(max(0, helpScroll), hidden)
    }

    mutating func handleLogKey(_ key: Key) -> [Effect] {
        switch key {
        case .escape, .character("q"), .character("L"), .enter: overlay = nil
        case .character("a"):
            logShowsAll.toggle()
            logScroll = 0
        case .up, .character("k"): logScroll += 1
        case .down, .character("j"): logScroll = max(0, logScroll - 1)
        case .pageUp: logScroll += 10
        case .pageDown: logScroll = max(0, logScroll - 10)
        case .end, .character("G"): logScroll = 0
        default: break
        }
        logScroll = min(logScroll, max(0, logEvents.count - 1))
        return []
    }

    private mutating func handleConfirmKey(_ key: Key, _ confirmation: Confirmation) -> [Effect] {
        if case .quit = confirmation {
            return handleQuitKey(key)
        }
        switch key {
        case .character("y"), .character("Y"):
            overlay = nil
            return confirmed(confirmation)
        case .character("n"), .character("N"), .escape, .character("q"):
            overlay = nil
        default:
            break
        }
        return []
    }

    private mutating func confirmed(_ confirmation: Confirmation) -> [Effect] {
        switch confirmation {
        case .deleteServer(let name, _):
            return save(.removeServer(name: name), saying: "Deleted server \(name).")
        case .deleteForward(let reference):
            return save(.removeForward(reference), saying: "Deleted \(reference).")
        case .quit:
            return quit(stoppingForwards: false)
        }
    }

    /// Enter (or k) leaves the forwards running in the background, s stops
    /// them, Esc (or n, q) stays.
    private mutating func handleQuitKey(_ key: Key) -> [Effect] {
        switch key {
        case .enter, .character("k"), .character("K"), .character("y"), .character("Y"):
            overlay = nil
            return quit(stoppingForwards: false)
        case .character("s"), .character("S"):
            overlay = nil
            return quit(stoppingForwards: true)
        case .character("n"), .character("N"), .escape, .character("q"):
            overlay = nil
        default:
            break
        }
        return []
    }

    mutating func quit(stoppingForwards: Bool) -> [Effect] {
        isQuitting = true
        stopsForwardsOnQuit = stoppingForwards
        return [.quit(stopForwards: stoppingForwards)]
    }

    /// Commits `change` and returns the effect that saves it; on a refused
    /// change, says why and returns nothing.
    mutating func save(_ change: StoreChange, saying message: String? = nil) -> [Effect] {
        if let error = commit(change) {
            note(error.description, server: change.server, isProblem: true)
            return []
        }
        if let message { note(message, server: change.server) }
        return [.save(change)]
    }
}
