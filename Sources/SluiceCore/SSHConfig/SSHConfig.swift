import Foundation

/// An ssh config file as OpenSSH would apply it to one host at a time.
public struct SSHConfig: Sendable {
    let lines: [SSHConfigLine]
    /// Included files that could not be read.
    public let warnings: [String]

    /// Reads `path` and everything it includes; `~` and relative Includes
    /// are taken from `home`.
    public init(file path: String, home: String) throws(SSHConfigError) {
        var reader = SSHConfigReader(home: home)
        lines = try reader.read(file: path)
        warnings = reader.warnings
    }

    /// What ssh reads before connecting: the user's file, then the
    /// system's (`/etc/ssh/ssh_config`, whose relative Includes start in
    /// `/etc/ssh`). The first value met wins across both; a Host block ends
    /// with its file. Files that do not exist are skipped.
    public init(userFile: String, systemFile: String = "/etc/ssh/ssh_config", home: String) throws(SSHConfigError) {
        var lines: [SSHConfigLine] = []
        var warnings: [String] = []
        for (path, base) in [(userFile, home + "/.ssh"), (systemFile, (systemFile as NSString).deletingLastPathComponent)] {
            guard FileManager.default.fileExists(atPath: path) else { continue }
            var reader = SSHConfigReader(home: home, includeBase: base)
            // As an Include at the top: active for every host at its start,
            // and its Host lines end with it.
            lines.append(.include(try reader.read(file: path)))
            warnings += reader.warnings
        }
        self.lines = lines
        self.warnings = warnings
    }

    /// Reads config text that is not in a file (Includes are still read from disk).
    public init(text: String, file: String = "config", home: String) throws(SSHConfigError) {
        var reader = SSHConfigReader(home: home)
        lines = try reader.parse(text, file: file, depth: 0)
        warnings = reader.warnings
    }

    /// Every host named by a `Host` line without wildcards or negation, in
    /// the order they first appear: these are the hosts a user can `ssh` to
    /// by name.
    public var aliases: [String] {
        var seen: Set<String> = []
        var result: [String] = []
        func collect(_ lines: [SSHConfigLine]) {
            for line in lines {
                switch line {
                case .host(let patterns, _):
                    for pattern in patterns where HostPattern.isConcrete(pattern) && seen.insert(pattern).inserted {
                        result.append(pattern)
                    }
                case .include(let nested):
                    collect(nested)
                case .match, .option:
                    continue
                }
            }
        }
        collect(lines)
        return result
    }

    /// The settings ssh would use for `alias`: for a single value the first
    /// one met wins; forwards from every matching block add up.
    public func settings(for alias: String) -> SSHHostSettings {
        var settings = SSHHostSettings(alias: alias)
        apply(lines, to: &settings, active: true)
        return settings
    }

    /// `active` is whether the block being read applies to the host. Lines
    /// of an Include read inside a block that does not apply can never
    /// apply, as in OpenSSH; and a Host line inside an included file does not
    /// change which block the including file is in.
    private func apply(_ lines: [SSHConfigLine], to settings: inout SSHHostSettings, active startActive: Bool, neverMatch: Bool = false) {
        var active = startActive
        for line in lines {
            switch line {
            case .host(let patterns, _):
                active = !neverMatch && HostPattern.matches(settings.alias, patterns: patterns)
            case .match(let matchesAll, _):
                active = !neverMatch && matchesAll
            case .include(let nested):
                apply(nested, to: &settings, active: active, neverMatch: neverMatch || !active)
            case let .option(keyword, arguments, raw, location):
                if active { settings.apply(keyword: keyword, arguments: arguments, raw: raw, at: location) }
            }
        }
    }
}
