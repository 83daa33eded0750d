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
            With no command, sluice opens the full-screen view (? there lists its keys).
            """,
        version: "sluice \(SluiceVersion.number) (libssh \(LibSSH.runtimeVersion), \(Curses.runtimeVersion))",
        subcommands: [
            UpCommand.self,
            StartCommand.self,
            StopCommand.self,
            StatusCommand.self,
            RetryCommand.self,
            ConnectionsCommand.self,
            ForwardCommand.self,
            PortForwardCommand.self,
            ListCommand.self,
            ServerCommand.self,
            AddCommand.self,
            EditCommand.self,
            RemoveCommand.self,
            EnableCommand.self,
            DisableCommand.self,
            ImportSSHConfigCommand.self,
            ServiceCommand.self,
            AgentCommand.self,
        ]
    )

    @OptionGroup var store: StoreOptions

    @OptionGroup var link: LinkOptions

    @Flag(name: .customLong("no-mouse"), help: "Do not use the mouse in the screen (leaves clicks to the terminal, e.g. to select text).")
    var noMouse = false

    /// With no command: the full screen.
    func run() throws {
        try ScreenSession(store: store.resolved, link: link, mouse: !noMouse).run()
    }

    /// Runs the command and turns any error into a message on stderr and the
    /// exit status its kind calls for.
    static func main() {
        GlibcRestart.applyIfNeeded()
        OpenFileLimit.raise()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if let failure = ExitStatus.failure(for: error) {
                Console.error(failure.message)
                Foundation.exit(failure.code)
            }
            // ArgumentParser's own messages, through Console as everything
            // is. Its errors quote arguments as typed, so each of their
            // lines is also cut; help, --version and completion scripts are
            // its own text and go to stdout whole.
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Console.output(message) }
            } else if !message.isEmpty {
                Console.say(message.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { TerminalText.sanitized(String($0)) }
                    .joined(separator: "\n"))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
