import ArgumentParser
import Foundation
import SluiceControl
import SluiceCore
import SluiceService

struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop the engine that runs for the store (started by sluice start, sluice up or the screen).",
        discussion: "Listeners close at once; open connections may finish for --drain seconds. Returns when the engine has ended."
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: ArgumentHelp("Seconds open connections may take to finish (0 to 3600).", valueName: "seconds"))
    var drain: Double = 10

    func validate() throws {
        try DrainOptions.range.check(drain, option: "--drain")
    }

    func run() throws {
        let paths = ControlPaths(store: store.resolved.path)
        let client: ControlClient
        do {
            client = try ControlClient(paths: paths, client: "stop")
        } catch {
            if case .notRunning = error {
                Console.say("No engine runs for this store; nothing to stop.")
                return
            }
            throw error
        }
        let reply = try client.ask(.stop(drainSeconds: drain))
        if case .error(let message) = reply { throw ControlError.refused(message) }
        Console.say("Stopping the engine (pid \(client.engine.pid)); open connections may finish for up to \(DrainOptions.shown(drain)) s.")
        client.setReceiveTimeout(seconds: 0)
        while true {
            do {
                _ = try client.next()
            } catch {
                break
            }
        }
        Console.say("Stopped.")
    }
}
