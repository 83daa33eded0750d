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
                    for pattern in patterns.written where HostPatterns.isConcrete(pattern) && seen.insert(pattern).inserted {
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

    /// `hosts`, after checking that each is an alias here; every alias when
    /// `hosts` is empty.
    public func aliases(selecting hosts: [String]) throws(SSHConfigError) -> [String] {
        let aliases = self.aliases
        guard !hosts.isEmpty else { return aliases }
        let known = Set(aliases)
        let unknown = hosts.filter { !known.contains($0) }
        if !unknown.isEmpty { throw .unknownHosts(unknown, known: aliases) }
        return hosts
    }

    /// The settings ssh would use for `alias`: for a single value the first
    /// one met wins; forwards from every matching block add up.
    public func settings(for alias: String) -> SSHHostSettings {
        settings(for: [alias])[0]
    }

    /// The settings of many hosts at once, in one pass over the config:
    /// looking each host up on its own would read every line once per
    /// host, and a generated config of 100,000 hosts would take minutes.
    public func settings(for aliases: [String]) -> [SSHHostSettings] {
        var lookup = Lookup(aliases)
        lookup.apply(lines, active: .all, allowed: .all)
        return lookup.settings
    }

    /// Which of the hosts being looked up a block applies to.
    private enum Hosts {
        case all
        /// Positions in `Lookup.settings`, ascending.
        case some([Int])
    }

    /// The hosts any block may apply to inside an Include: those the
    /// including block applies to, as a set to test names against.
    private enum Allowed {
        case all
        case some([Int], Set<Int>)

        init(_ hosts: Hosts) {
            switch hosts {
            case .all: self = .all
            case .some(let positions): self = .some(positions, Set(positions))
            }
        }

        var hosts: Hosts {
            switch self {
            case .all: return .all
            case .some(let positions, _): return .some(positions)
            }
        }
    }

    private struct Lookup {
        var settings: [SSHHostSettings]
        /// Each host lower-cased, as patterns match.
        let lowered: [String]
        /// Lower-cased host to its position, and to its later positions
        /// when it was asked for more than once.
        let firstPosition: [String: Int]
        let laterPositions: [String: [Int]]

        init(_ aliases: [String]) {
            settings = aliases.map(SSHHostSettings.init(alias:))
            lowered = aliases.map(HostPatterns.lowercased)
            var firstPosition: [String: Int] = [:]
            var laterPositions: [String: [Int]] = [:]
            firstPosition.reserveCapacity(lowered.count)
            for (position, host) in lowered.enumerated() {
                if firstPosition[host] == nil {
                    firstPosition[host] = position
                } else {
                    laterPositions[host, default: []].append(position)
                }
            }
            self.firstPosition = firstPosition
            self.laterPositions = laterPositions
        }

        /// `active` is the hosts the block being read applies to; `allowed`
        /// the hosts any block may apply to here. Lines of an Include read
        /// inside a block can apply only to the hosts that block applies to,
        /// as in OpenSSH; and a Host line inside an included file does not
        /// change which block the including file is in.
        mutating func apply(_ lines: [SSHConfigLine], active startActive: Hosts, allowed: Allowed) {
            var active = startActive
            for line in lines {
                switch line {
                case .host(let patterns, _):
                    active = matching(patterns, among: allowed)
                case .match(let matchesAll, _):
                    active = matchesAll ? allowed.hosts : .some([])
                case .include(let nested):
                    apply(nested, active: active, allowed: Allowed(active))
                case let .option(keyword, arguments, raw, location):
                    switch active {
                    case .all:
                        for position in settings.indices { settings[position].apply(keyword: keyword, arguments: arguments, raw: raw, at: location) }
                    case .some(let positions):
                        for position in positions { settings[position].apply(keyword: keyword, arguments: arguments, raw: raw, at: location) }
                    }
                }
            }
        }

        /// The hosts among `allowed` that a Host line matches. A line of
        /// plain names costs a lookup per name; only wildcards are tried
        /// against every host.
        private func matching(_ patterns: HostPatterns, among allowed: Allowed) -> Hosts {
            let candidates: [Int]
            switch (patterns.hasWildcards, allowed) {
            case (false, .all):
                candidates = named(patterns).sorted()
            case (false, .some(_, let members)):
                candidates = named(patterns).filter(members.contains).sorted()
            case (true, .all):
                candidates = Array(settings.indices)
            case (true, .some(let positions, _)):
                candidates = positions
            }
            return .some(patterns.isPlainNames ? candidates : candidates.filter { patterns.matches(lowercased: lowered[$0]) })
        }

        /// The positions of the hosts a line names without wildcards.
        private func named(_ patterns: HostPatterns) -> [Int] {
            var result: [Int] = []
            for name in patterns.plainNames {
                guard let first = firstPosition[name] else { continue }
                result.append(first)
                result += laterPositions[name] ?? []
            }
            return result
        }
    }
}
