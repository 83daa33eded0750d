/// The systemd user unit that keeps `sluice up` running: its text and where
/// systemd looks for it.
public struct ServiceUnit: Equatable, Sendable {
    public static let fileName = "sluice.service"

    /// Above `sluice up`'s default drain (10 s), so that systemd lets open
    /// connections finish before it kills what is left.
    public static let stopTimeoutSeconds = 20

    /// The sluice to run, an absolute path.
    public var executable: String
    /// The store to follow, an absolute path; nil for the one `sluice up`
    /// finds with nothing set.
    public var store: String?

    public init(executable: String, store: String?) {
        self.executable = executable
        self.store = store
    }

    public var text: String {
        let arguments = ["up"] + (store.map { ["--store", $0] } ?? [])
        return """
            # Written by sluice service install; run it again with --force to rewrite this file.
            [Unit]
            Description=Sluice: keep the saved SSH port forwards up
            After=network-online.target
            Wants=network-online.target

            [Service]
            Type=simple
            ExecStart=\(SystemdQuoting.commandLine(executable: executable, arguments: arguments))
            Restart=on-failure
            RestartSec=5
            # A wrong command line (64), an unreadable store (65) or an engine
            # already running for the store (75): restarting cannot help.
            RestartPreventExitStatus=64 65 75
            # sluice up closes its listeners on SIGTERM and lets open connections finish.
            KillSignal=SIGTERM
            TimeoutStopSec=\(Self.stopTimeoutSeconds)
            # No ProtectHome: sluice reads ~/.ssh (keys, config, known_hosts).
            NoNewPrivileges=yes

            [Install]
            WantedBy=default.target

            """
    }

    /// `$XDG_CONFIG_HOME/systemd/user`, else `~/.config/systemd/user`: the
    /// user's own units, which override packaged ones.
    public static func folder(environment: [String: String]) -> String {
        // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/systemd/user"
        }
        return HomeDirectory.path(environment: environment) + "/.config/systemd/user"
    }

    /// `path` from `directory`, without `.` and doubled slashes. `..` stays:
    /// through a symlink it need not mean the folder above.
    public static func absolute(_ path: String, from directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        let parts = joined.split(separator: "/").filter { $0 != "." }
        return "/" + parts.joined(separator: "/")
    }

    /// The first line where `existing` and this unit differ (1-based), with
    /// each side's line there (nil past its end); nil when they are the same.
    public func firstDifference(from existing: String) -> (line: Int, existing: String?, wanted: String?)? {
        let old = existing.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if old == new { return nil }
        let index = zip(old, new).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(old.count, new.count)
        return (index + 1, index < old.count ? old[index] : nil, index < new.count ? new[index] : nil)
    }
}
