import Foundation
import SluiceCore
import SluiceSSH
import SluiceTUI
import SluiceTerminal

/// The full screen's run loop: wires the store, the engine, the pure
/// screen state and the terminal together. It sleeps in poll() on the
/// keyboard, the engine's wake pipe and signals, and redraws only when the
/// picture changed.
struct ScreenSession {
    let store: Store
    let tuning: LinkTuning

    /// Seconds open connections may take to finish when the user quits.
    static let quitDrainSeconds = 1.0

    func run() throws {
        let document = try store.load()
        SignalPipe.install([SIGINT, SIGTERM, SIGHUP, SIGWINCH])
        let terminal = try Terminal(environment: ProcessInfo.processInfo.environment)
        defer { terminal.restore() }
        let wake = WakePipe()
        let prompter = ScreenPrompter(wake: wake)
        let engine = Engine(prompter: prompter, tuning: tuning)
        engine.board.observe { wake.wake() }
        let driver = EngineDriver(engine: engine)
        var state = AppState(document: document)
        var stamp = StoreStamp(path: store.path)
        var shown: ScreenBuffer?
        driver.apply(document.servers)

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
                        driver.apply(saved.servers)
                    } catch {
                        let message = (error as? StoreError)?.description ?? (error as? SluiceError)?.description ?? "\(error)"
                        perform(state.reduce(.storeFailed(message: message, current: try? store.load())))
                    }
                case let .answer(id, answer):
                    prompter.reply(id, answer)
                case .retry(let server):
                    driver.retry(server)
                case let .checkPort(host, port):
                    perform(state.reduce(.portChecked(host: host, port: port, problem: ListenCheck.problem(host: host, port: port))))
                case .quit:
                    break
                }
            }
        }

        while !state.isQuitting {
            let size = terminal.size
            let frame = ScreenView(state: state, symbols: terminal.symbols).render(width: size.width, height: size.height)
            if frame != shown {
                terminal.draw(frame)
                shown = frame
            }
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0),
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
            if wake.drain() {
                for question in prompter.takeQuestions() {
                    perform(state.reduce(.prompt(id: question.id, server: question.server, question.prompt, at: ContinuousClock.now)))
                }
                perform(state.reduce(.status(engine.board.snapshot, at: Date())))
            }
            let current = StoreStamp(path: store.path)
            if current != stamp {
                stamp = current
                if let reloaded = try? store.load() {
                    perform(state.reduce(.stored(reloaded)))
                    driver.apply(reloaded.servers)
                }
            }
        }

        let size = terminal.size
        terminal.draw(ScreenView(state: state, symbols: terminal.symbols).render(width: size.width, height: size.height))
        prompter.close()
        driver.stop(drainDeadline: Date().addingTimeInterval(Self.quitDrainSeconds))
    }
}
