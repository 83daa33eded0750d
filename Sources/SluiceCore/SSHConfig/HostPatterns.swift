/// The patterns of one `Host` line, as OpenSSH reads them: `*` and `?`
/// wildcards, `!` negation, compared without regard to case.
///
/// Compiled once when the line is read: names without wildcards go into
/// sets, so that asking whether a host is named costs one lookup however
/// many names the line holds (a generated config may put thousands on one
/// line, and every host is looked up against every line).
struct HostPatterns: Sendable, Equatable {
    /// As written, in order.
    let written: [String]
    /// Lower-cased names with no wildcard, and wildcard patterns as UTF-8
    /// bytes (OpenSSH matches bytes: '?' is one byte); `negated` ones
    /// without their '!'.
    private let names: Set<String>
    private let wildcards: [[UInt8]]
    private let negatedNames: Set<String>
    private let negatedWildcards: [[UInt8]]

    init(_ patterns: [String]) {
        written = patterns
        var names: Set<String> = [], wildcards: [[UInt8]] = []
        var negatedNames: Set<String> = [], negatedWildcards: [[UInt8]] = []
        for pattern in patterns {
            let negated = pattern.hasPrefix("!")
            let body = Self.lowercased(negated ? String(pattern.dropFirst()) : pattern)
            switch (negated, Self.hasWildcard(body)) {
            case (false, false): names.insert(body)
            case (false, true): wildcards.append(Array(body.utf8))
            case (true, false): negatedNames.insert(body)
            case (true, true): negatedWildcards.append(Array(body.utf8))
            }
        }
        self.names = names
        self.wildcards = wildcards
        self.negatedNames = negatedNames
        self.negatedWildcards = negatedWildcards
    }

    /// True for a pattern that names one host: no wildcard, no negation.
    static func isConcrete(_ pattern: String) -> Bool {
        !pattern.contains { $0 == "*" || $0 == "?" || $0 == "!" }
    }

    /// The lower-cased names this line matches on their own, without
    /// wildcards: the only hosts it can match when `hasWildcards` is false.
    var plainNames: Set<String> { names }
    var hasWildcards: Bool { !wildcards.isEmpty }
    /// True when the line matches exactly its plain names.
    var isPlainNames: Bool { wildcards.isEmpty && negatedNames.isEmpty && negatedWildcards.isEmpty }

    /// True when `host` (lower-cased) matches: some positive pattern
    /// matches and no negated one does.
    func matches(lowercased host: String) -> Bool {
        if negatedNames.contains(host) { return false }
        guard hasWildcards || !negatedWildcards.isEmpty else { return names.contains(host) }
        let bytes = Array(host.utf8)
        if negatedWildcards.contains(where: { Self.wildcardMatch($0, bytes) }) { return false }
        return names.contains(host) || wildcards.contains { Self.wildcardMatch($0, bytes) }
    }

    /// `text` lower-cased, as patterns compare; without a copy for the
    /// usual lower-case ASCII name.
    static func lowercased(_ text: String) -> String {
        text.utf8.allSatisfy({ $0 < 0x80 && !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) ? text : text.lowercased()
    }

    private static func hasWildcard(_ pattern: String) -> Bool {
        pattern.contains { $0 == "*" || $0 == "?" }
    }

    private static func wildcardMatch(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var p = 0, t = 0
        var star = -1, resume = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
                star = p
                resume = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
