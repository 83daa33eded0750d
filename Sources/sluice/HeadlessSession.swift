import Foundation
import SluiceCore
import SluiceSSH
import SluiceTUI

/// Runs forwards without a screen until Ctrl+C or SIGTERM: the engine of
/// `sluice up` and `sluice forward`.
///
/// The first signal closes the listeners and lets open connections finish
/// (up to `drainSeconds`); a second one closes them at once. Exits 0 after
/// a stop, 1 when nothing could come up at all.
struct HeadlessSession {
    let servers: [Server]
    let tuning: LinkTuning
    let drainSeconds: Double

    func run() -> Int32 {
        let wake: WakePipe
        let stopped: WakePipe
        do {
            try SignalPipe.install()
            wake = try WakePipe()
            stopped = try WakePipe()
        } catch {
            Console.error("\(error)")
            return 1
        }
        Console.warnAboutExposure(servers)
        let engine = Engine.withAllTransports(prompter: TerminalPrompter(), tuning: tuning)
        engine.board.observe { wake.wake() }
        var narrator = StatusNarrator(servers: servers)
        var everUp = false
        var stopping = false
        engine.apply(servers)

        while true {
            var fds = [pollfd(fd: SignalPipe.readFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopped.fd, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, nfds_t(fds.count), 1000)
            if stopped.drain() {
                Console.say("Stopped.")
                return 0
            }
            if !SignalPipe.take().isEmpty {
                if !stopping {
                    stopping = true
                    Console.say("Closing listeners; letting open connections finish (up to \(drainSeconds == drainSeconds.rounded() ? String(Int(drainSeconds)) : String(drainSeconds)) s; Ctrl+C again to close them now).")
                    let deadline = Date().addingTimeInterval(drainSeconds)
                    Thread { engine.stop(drainDeadline: deadline); stopped.wake() }.start()
                } else {
                    Console.say("Closing open connections now.")
                    Thread { engine.stopNow() }.start()
                }
            }
            if wake.drain() {
                let snapshot = engine.board.snapshot
                for event in narrator.events(for: snapshot) { Console.say(event.text) }
                everUp = everUp || snapshot.contains { $0.forwards.contains { $0.state == .up } }
                if !everUp && !stopping && Self.nothingCanComeUp(snapshot, servers: servers) {
                    Console.error("nothing could come up; see the reasons above")
                    engine.stopNow()
                    return 1
                }
            }
        }
    }

    /// Every server has made its first attempt and no enabled forward is up
    /// or still on its way.
    static func nothingCanComeUp(_ snapshot: [ServerStatus], servers: [Server]) -> Bool {
        guard snapshot.count == servers.count else { return false }
        return snapshot.allSatisfy { status in
            switch status.link {
            case .idle, .connecting:
                return false
            case .failed, .reconnecting:
                return true
            case .connected:
                return status.forwards.allSatisfy { $0.state == .failed || $0.state == .off }
            }
        }
    }
}
