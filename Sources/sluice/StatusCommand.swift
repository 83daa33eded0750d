import ArgumentParser
import Foundation
import SluiceControl
import SluiceCore
import SluiceService

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running engine's live status: links, forwards, connections, traffic, errors.",
        discussion: """
            Asks the engine that runs for the store (sluice up, sluice start, or the one the screen started). \
            --json prints one snapshot as JSON; --watch prints one JSON object per line, a snapshot at once and \
            after every change, with an event line for each change, until the engine stops (docs/protocol.md \
            describes them). Exits 69 when no engine runs.
            """
    )

    @OptionGroup var store: StoreOptions
    @Flag(name: .long, help: "Print one JSON snapshot, for scripts.")
    var json = false
    @Flag(name: .long, help: "Print a JSON line at once and at every change, until the engine stops (for status bars).")
    var watch = false
    @Argument(help: ArgumentHelp("Only this server.", valueName: "server"), completion: StoreCompletion.servers)
    var server: String?

    func run() throws {
        let client = try ControlClient(paths: ControlPaths(store: store.resolved.path), client: "status")
        if watch {
            try follow(client)
            return
        }
        guard case .snapshot(let snapshot) = try client.ask(.status) else {
            throw ControlError.protocolMismatch("no snapshot in reply to status")
        }
        let shown = try chosen(snapshot)
        if json {
            Console.output(try line(.snapshot(shown)), terminator: "")
        } else {
            Console.output(StatusFormatter.text(for: shown))
        }
    }

    /// Streams until the engine goes; status 0 when it said it was stopping.
    private func follow(_ client: ControlClient) throws {
        try client.send(.watch)
        client.setReceiveTimeout(seconds: 0)
        var stopping = false
        while true {
            let message: EngineMessage
            do {
                message = try client.next()
            } catch {
                if case .disconnected = error, stopping { return }
                throw error
            }
            switch message {
            case .snapshot(let snapshot):
                try emit(.snapshot(try chosen(snapshot)))
            case .event(let text):
                if server == nil || text.hasPrefix("\(server!)/") || text.hasPrefix("\(server!):") { try emit(message) }
            case .stopping:
                stopping = true
                try emit(message)
            case .hello, .ok, .error:
                try emit(message)
            }
        }
    }

    private func chosen(_ snapshot: EngineSnapshot) throws -> EngineSnapshot {
        guard let server else { return snapshot }
        guard snapshot.servers.contains(where: { $0.name == server }) else {
            throw ExitStatus.Failure(message: "the engine runs no server named \(TerminalText.echo(server)) (sluice status lists those it runs)", code: ExitStatus.usage)
        }
        var only = snapshot
        only.servers = snapshot.servers.filter { $0.name == server }
        only.prompts = snapshot.prompts.filter { $0.server == server }
        return only
    }

    private func line(_ message: EngineMessage) throws -> String {
        String(decoding: try ControlProtocol.encode(message), as: UTF8.self)
    }

    /// One line, flushed at once: a status bar reads it as it comes.
    private func emit(_ message: EngineMessage) throws {
        FileHandle.standardOutput.write(try ControlProtocol.encode(message))
    }
}
