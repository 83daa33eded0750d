import ArgumentParser
import Foundation
import SluiceCore
import SluiceSSH
import SluiceTerminal

@main
struct Sluice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "Keep your SSH port forwards: Local (-L), Reverse (-R) and Dynamic (-D, SOCKS5).",
        discussion: """
            Servers and forwards are saved in one JSON file: --store PATH, else $SLUICE_STORE, \
            else $XDG_CONFIG_HOME/sluice/forwards.json, else ~/.config/sluice/forwards.json.
            """,
        version: "sluice \(SluiceVersion.number) (libssh \(LibSSH.runtimeVersion), \(Curses.runtimeVersion))",
        subcommands: [
            UpCommand.self,
            ForwardCommand.self,
            ListCommand.self,
            ServerCommand.self,
            AddCommand.self,
            RemoveCommand.self,
            EnableCommand.self,
            DisableCommand.self,
            ImportSSHConfigCommand.self,
        ]
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        Console.say("""
            The full-screen view is not built yet. Until it is, manage forwards with:
              sluice server add NAME [user@]host[:port]   save a server
              sluice add NAME -L 5432:localhost:5432      save a forward (-L, -R or -D)
              sluice list                                 show what is saved
              sluice import-ssh-config                    take servers from ~/.ssh/config
            See 'sluice --help' for everything.
            """)
    }

    /// Runs the command and turns any error into a message on stderr and the
    /// exit status its kind calls for.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard let failure = ExitStatus.failure(for: error) else { exit(withError: error) }
            Console.error(failure.message)
            Foundation.exit(failure.code)
        }
    }
}
