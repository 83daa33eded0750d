import Foundation
import SluiceControl
import SluiceCore
import SluiceService
import SluiceSSH
import SluiceTUI
import SluiceTerminal

/// The full screen's run loop: a client of the engine that runs for the
/// store, started in the background if none runs. It renders the engine's
/// snapshots, shows its questions and sends back the answers; what should
/// run goes through the store, which the engine follows. It sleeps in
/// poll() on the keyboard, the control socket and signals, and redraws
/// only when the picture changed. Leaving the screen leaves the forwards
/// running unless the user asks to stop them.
struct ScreenSession {
    let store: Store
    let link: LinkOptions
    /// Clicks and the wheel are read (unless the terminal has no mouse).
    var mouse = true

    /// Seconds open connections may take to finish when the user quits
    /// and stops the forwards.
    static let quitDrainSeconds = 1.0

    func run() throws {
        let document = try store.load()
        let paths = ControlPaths(store: store.path)
        try paths.prepareFolder()
        // No terminal, no engine: the error says to use sluice up instead.
        try SignalPipe.install([SIGINT, SIGTERM, SIGHUP, SIGWINCH])
        let terminal = try Terminal(environment: ProcessInfo.processInfo.environment, mouse: mouse)
        defer { terminal.restore() }
        var (client, startedEngine) = try BackgroundEngine.start(paths: paths, link: link, client: "screen", answersPrompts: true)
        try client.send(.watch)
        var state = AppState(document: document)
        state.isInsideTmux = !(ProcessInfo.processInfo.environment["TMUX"] ?? "").isEmpty
        var stamp = StoreStamp(path: store.path)
        var shown: ScreenBuffer?
        var open: Set<Int> = []
        var engineStopped = false
        // The connections view's requests in flight, by request id: the list
        // is asked for again a second after each answer while it is open.
        var listing: (id: Int, forward: ForwardReference)?
        var listedAt = ContinuousClock.now - .seconds(10)
        var closing: [Int: (forward: ForwardReference, connection: UInt64)] = [:]
        if startedEngine {
            _ = state.reduce(.engineNotice("Started the engine in the background (pid \(client.engine.pid)); its log: \(paths.log)", isProblem: false))
        }

        func perform(_ effects: [Effect]) {
            for effect in effects {
                switch effect {
                case .save(let change):
                    do {
                        let saved = try store.update { current in
                            try change.apply(to: &current)
                            return current
                        }
                        stamp = StoreStamp(path: store.path)
                        perform(state.reduce(.stored(saved)))
                    } catch {
                        let message = (error as? StoreError)?.description ?? (error as? SluiceError)?.description ?? "\(error)"
                        perform(state.reduce(.storeFailed(message: message, current: try? store.load())))
                    }
                case let .answer(id, answer):
                    try? client.send(.answer(prompt: id, answer))
                case .retry(let server):
                    try? client.send(.retry(server: server))
                case .copy(let text):
                    terminal.copyToClipboard(text)
                case .listConnections(let forward):
                    listConnections(forward)
                case let .closeConnection(forward, id):
                    if let requestID = try? client.request(.close(server: forward.server, forward: forward.forward, connection: id)) {
                        closing[requestID] = (forward, id)
                    }
                case let .checkPort(host, port):
                    perform(state.reduce(.portChecked(host: host, port: port, problem: ListenCheck.problem(host: host, port: port))))
                case .quit:
                    break
                }
            }
        }

        func listConnections(_ forward: ForwardReference) {
            guard !engineStopped, let id = try? client.request(.connections(server: forward.server, forward: forward.forward)) else { return }
            listing = (id, forward)
            listedAt = ContinuousClock.now
        }

        /// Answers to the connections view's requests, to the state.
        func absorb(_ replies: [EngineReply]) {
            for reply in replies {
                guard let id = reply.requestID else { continue }
                if let asked = listing, asked.id == id {
                    listing = nil
                    if case .connections(let list) = reply.body {
                        perform(state.reduce(.connections(asked.forward, list.connections)))
                    } else {
                        perform(state.reduce(.connectionsRefused(asked.forward, reply.refusal ?? "it gave no list")))
                    }
                } else if let asked = closing.removeValue(forKey: id) {
                    perform(state.reduce(.connectionClosed(asked.forward, id: asked.connection, problem: reply.refusal)))
                }
            }
        }

        func absorb(_ messages: [EngineMessage]) {
            for message in messages {
                switch message {
                case .snapshot(let snapshot):
                    let now = ContinuousClock.now
                    let current = Set(snapshot.prompts.map(\.id))
                    for id in open.subtracting(current) { perform(state.reduce(.promptWithdrawn(id: id, at: now))) }
                    for prompt in snapshot.prompts where !open.contains(prompt.id) {
                        perform(state.reduce(.prompt(id: prompt.id, server: prompt.server, prompt.prompt, at: now)))
                    }
                    open = current
                    perform(state.reduce(.status(snapshot.servers, at: Date())))
                case .stopping:
                    engineStopped = true
                    if case .connections(let view) = state.overlay {
                        perform(state.reduce(.connectionsRefused(view.forward, "the engine is stopping (sluice stop)")))
                    }
                    perform(state.reduce(.engineNotice("The engine is stopping (sluice stop): forwards close. Quit and open sluice again to start it.", isProblem: true)))
                case .error(let text):
                    perform(state.reduce(.engineNotice("The engine refused: \(text)", isProblem: true)))
                case .hello, .event, .ok:
                    break
                }
            }
        }

        /// The engine went away without being stopped (a crash, kill -9):
        /// say so and start a new one, which brings the forwards back.
        func replaceEngine() {
            let pid = client.engine.pid
            // Its questions went with it: a new engine asks afresh.
            for id in open { perform(state.reduce(.promptWithdrawn(id: id, at: ContinuousClock.now))) }
            open = []
            do {
                let replacement = try BackgroundEngine.start(paths: paths, link: link, client: "screen", answersPrompts: true)
                client = replacement.client
                startedEngine = startedEngine || replacement.started
                listing = nil
                closing = [:]
                try client.send(.watch)
                open = []
                perform(state.reduce(.engineNotice("The engine (pid \(pid)) ended unexpectedly; started a new one (pid \(client.engine.pid)).", isProblem: true)))
            } catch {
                engineStopped = true
                perform(state.reduce(.engineNotice("The engine (pid \(pid)) ended and a new one could not start: \(error); see \(paths.log)", isProblem: true)))
            }
        }

        while !state.isQuitting {
            let size = terminal.size
            if size.width != state.screenWidth || size.height != state.screenHeight {
                perform(state.reduce(.resized(width: size.width, height: size.height)))
            }
            let frame = ScreenView(state: state, symbols: terminal.symbols).render(width: size.width, height: size.height)
            if frame != shown {
                terminal.draw(frame)
                shown = frame
            }
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: engineStopped ? -1 : client.fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: SignalPipe.readFD, events: Int16(POLLIN), revents: 0)]
            // Ticks only while something moves with time; otherwise a slow
            // look at the store file, which other sluice commands may change.
            _ = poll(&fds, nfds_t(fds.count), state.needsTicks ? 1000 : 2000)
            perform(state.reduce(.tick(Date())))
            for received in SignalPipe.take() {
                if received == SIGWINCH {
                    terminal.followResize()
                    shown = nil
                } else {
                    // The terminal is going away: the forwards stay with the engine.
                    state.isQuitting = true
                }
            }
            // Keys first, questions after: keys that were waiting when a
            // question arrived were typed for the screen, not for it.
            let input = terminal.readKeys()
            let readAt = ContinuousClock.now
            if input.resized { shown = nil }
            for key in input.keys where !state.isQuitting {
                perform(state.reduce(.key(key, at: readAt)))
            }
            if !engineStopped && fds[1].revents != 0 {
                do {
                    absorb(try client.available())
                    absorb(client.takeReplies())
                } catch .disconnected {
                    if !engineStopped && !state.isQuitting { replaceEngine() }
                } catch {
                    // The engine is there but says what this screen cannot
                    // read: starting another would not help.
                    engineStopped = true
                    perform(state.reduce(.engineNotice("\(error); quit and open sluice again", isProblem: true)))
                }
            }
            // Again a second after the last answer; again anyway when an
            // answer is 5 s late (the engine may have dropped it).
            let sinceAsked = ContinuousClock.now - listedAt
            if case .connections(let view) = state.overlay,
               (listing?.forward == view.forward && sinceAsked >= .seconds(5)) || (listing?.forward != view.forward && sinceAsked >= .seconds(1)) {
                listConnections(view.forward)
            }
            let current = StoreStamp(path: store.path)
            if current != stamp {
                stamp = current
                if let reloaded = try? store.load() { perform(state.reduce(.stored(reloaded))) }
            }
        }

        let size = terminal.size
        terminal.draw(ScreenView(state: state, symbols: terminal.symbols).render(width: size.width, height: size.height))
        // An engine this screen started for nothing (no forward on) is not
        // left behind.
        if !engineStopped && (state.stopsForwardsOnQuit || (startedEngine && state.onCount == 0)) {
            stop(client, drainSeconds: Self.quitDrainSeconds)
        }
    }

    /// Asks the engine to stop and waits until it has.
    private func stop(_ client: ControlClient, drainSeconds: Double) {
        guard (try? client.ask(.stop(drainSeconds: drainSeconds))) != nil else { return }
        client.setReceiveTimeout(seconds: drainSeconds + Double(link.connectTimeout) + 5)
        while (try? client.next()) != nil {}
    }
}
