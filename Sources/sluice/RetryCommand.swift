import ArgumentParser
import SluiceControl
import SluiceCore
import SluiceService

struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Make the running engine connect to a server again now.",
        discussion: """
            For a server that failed on something you have since fixed (a changed host key removed from \
            known_hosts, a key file restored), or to skip the wait between reconnect attempts.
            """
    )

    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("The server.", valueName: "server"), completion: StoreCompletion.servers)
    var server: String

    func run() throws {
        let client = try ControlClient(paths: ControlPaths(store: store.resolved.path), client: "retry")
        switch try client.ask(.retry(server: server)) {
        case .ok:
            Console.say("Connecting to \(TerminalText.echo(server)) again.")
        case .error(let message):
            throw ExitStatus.Failure(message: TerminalText.sanitized(message), code: ExitStatus.usage)
        default:
            throw ControlError.protocolMismatch("no answer to retry")
        }
    }
}
