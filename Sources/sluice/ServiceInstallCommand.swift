import ArgumentParser
import Foundation
import SluiceCore

struct ServiceInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Write a systemd user unit that runs sluice up at login and restarts it if it fails.",
        discussion: """
            Writes $XDG_CONFIG_HOME/systemd/user/sluice.service (default ~/.config/systemd/user/), running \
            this sluice binary, with the store given by --store or $SLUICE_STORE if any. Then says what to \
            run to start it. A different unit already there is replaced only with --force.
            """
    )

    @OptionGroup var store: StoreOptions
    @Flag(name: .customLong("print"), help: "Print the unit to stdout; write nothing.")
    var printOnly = false
    @Flag(name: .long, help: "Replace a different sluice.service.")
    var force = false

    static let startCommand = "systemctl --user daemon-reload && systemctl --user enable --now \(ServiceUnit.fileName)"

    func run() throws {
        let unit = ServiceUnit(executable: try Self.runningExecutable(), store: storeToName())
        if printOnly {
            Console.output(unit.text, terminator: "")
            return
        }
        let folder = ServiceUnit.folder(environment: ProcessInfo.processInfo.environment)
        let path = folder + "/" + ServiceUnit.fileName
        let shown = TerminalText.path(path)
        var replaced: Int?
        if let existing = try Self.existingText(at: path) {
            guard let difference = unit.firstDifference(from: existing) else {
                Console.say("\(shown) is already installed, unchanged.")
                Self.sayHowToStart()
                return
            }
            guard force else {
                throw ExitStatus.Failure(
                    message: "\(shown) already holds a different unit. \(Self.describe(difference))\n"
                        + "See the new unit with --print; run this again with --force to replace the old one.",
                    code: ExitStatus.usage)
            }
            replaced = difference.line
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ExitStatus.Failure(message: "cannot create the folder \(TerminalText.path(folder)): \(Self.reason(error))",
                                     code: ExitStatus.failure)
        }
        do {
            try AtomicFile.write(unit.text, to: path, mode: 0o644)
        } catch {
            throw ExitStatus.Failure(message: "cannot write the unit: \(error)", code: ExitStatus.failure)
        }
        Console.say(replaced.map { "Replaced \(shown), which differed from line \($0) on." } ?? "Wrote \(shown).")
        Self.sayHowToStart()
    }

    /// The store the service must be told about: none when it is the one
    /// `sluice up` finds by itself under systemd, where neither SLUICE_STORE
    /// nor (usually) XDG_CONFIG_HOME is set; else its absolute path, since
    /// the service does not start in this folder.
    private func storeToName() -> String? {
        let environment = ProcessInfo.processInfo.environment
        let path = ServiceUnit.absolute(Store.defaultPath(explicit: store.store, environment: environment),
                                        from: FileManager.default.currentDirectoryPath)
        let found = HomeDirectory.path(environment: environment) + "/.config/sluice/forwards.json"
        return path == ServiceUnit.absolute(found, from: "/") ? nil : path
    }

    /// This binary, wherever it was started from (see OwnExecutable).
    private static func runningExecutable() throws -> String {
        // Replaced since it started (an upgrade): the unit runs the new one.
        guard let path = OwnExecutable.find()?.path else {
            throw ExitStatus.Failure(message: "cannot tell where this sluice binary is (/proc/self/exe cannot be read)",
                                     code: ExitStatus.failure)
        }
        guard SystemdQuoting.canRun(path) else {
            throw ExitStatus.Failure(
                message: "systemd runs no program whose path holds quotes, backslashes or control characters, as \(TerminalText.path(path)) does; "
                    + "put sluice somewhere else (make install copies it to /usr/local/bin) and run that one",
                code: ExitStatus.failure)
        }
        return path
    }

    /// The unit already at `path`; nil when there is none.
    private static func existingText(at path: String) throws -> String? {
        do {
            // A file that is not UTF-8 is not the unit sluice writes: it differs.
            return try TextFile.readText(path) ?? ""
        } catch where error.code == ENOENT {
            return nil
        } catch {
            throw ExitStatus.Failure(message: "cannot read \(TerminalText.path(path)): \(error.reason)", code: ExitStatus.failure)
        }
    }

    private static func describe(_ difference: (line: Int, existing: String?, wanted: String?)) -> String {
        let show = { (line: String?) in line.map(TerminalText.path) ?? "(the end of the file)" }
        return "Line \(difference.line):\n  there now:      \(show(difference.existing))\n  sluice writes:  \(show(difference.wanted))"
    }

    private static func sayHowToStart() {
        Console.say("""
            To start it now and at every login, run:
              \(startCommand)
            To keep it running after you log out: loginctl enable-linger $USER
            """)
    }

    private static func reason(_ error: Error) -> String {
        (error as NSError).localizedDescription
    }
}
