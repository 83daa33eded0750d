import ArgumentParser
import Foundation
import SluiceControl
import SluiceCore
import SluiceService

struct ConnectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "List a forward's open connections in the running engine, or close one.",
        discussion: """
            One line per connection, oldest first: its number, the client (for -R, where the server says it came \
            from), where it goes (for -D, what the SOCKS client asked for), its state (opening, relaying, closing), \
            how long it has been open, and its bytes each way. --json prints the list as one JSON object \
            (docs/protocol.md). --close NUMBER cuts that connection: its client sees a reset, the other side a close. \
            Exits 69 when no engine runs, 64 for a server, forward or connection the engine does not have.
            """
    )

    @OptionGroup var store: StoreOptions
    @Flag(name: .long, help: "Print the list as one JSON object, for scripts.")
    var json = false
    @Option(name: .long, help: ArgumentHelp("Close the connection with this number instead of listing.", valueName: "number"))
    var close: UInt64?
    @Argument(help: ArgumentHelp("The forward, as SERVER/FORWARD.", valueName: "server/forward"), completion: StoreCompletion.forwards)
    var forward: String

    func run() throws {
        let reference = try ForwardReference(parsing: forward)
        let client = try ControlClient(paths: ControlPaths(store: store.resolved.path), client: "connections")
        do {
            if let close {
                try client.closeConnection(close, server: reference.server, forward: reference.forward)
                Console.say("Closed connection \(close) of \(TerminalText.echo(reference.description)).")
                return
            }
            let connections = try client.connections(server: reference.server, forward: reference.forward)
            if json {
                let list = ConnectionList(server: reference.server, forward: reference.forward, connections: connections)
                FileHandle.standardOutput.write(try ControlProtocol.encode(EngineReply(to: nil, .connections(list))))
            } else {
                Console.output(ConnectionsFormatter.text(for: connections, of: reference))
            }
        } catch ControlError.refused(let message) {
            throw ExitStatus.Failure(message: TerminalText.sanitized(message), code: ExitStatus.usage)
        }
    }
}
