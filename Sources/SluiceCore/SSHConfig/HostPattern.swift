/// OpenSSH's `Host` patterns: `*` and `?` wildcards, `!` negation, compared
/// without regard to case.
enum HostPattern {
    /// True when `host` matches a `Host` line's patterns: some positive
    /// pattern matches and no negated one does.
    static func matches(_ host: String, patterns: [String]) -> Bool {
        let host = host.lowercased()
        var matched = false
        for pattern in patterns {
            if pattern.hasPrefix("!") {
                if wildcardMatch(Array(pattern.dropFirst().lowercased()), Array(host)) { return false }
            } else if wildcardMatch(Array(pattern.lowercased()), Array(host)) {
                matched = true
            }
        }
        return matched
    }

    /// True for a pattern that names one host: no wildcard, no negation.
    static func isConcrete(_ pattern: String) -> Bool {
        !pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "!" })
    }

    private static func wildcardMatch(_ pattern: [Character], _ text: [Character]) -> Bool {
        var p = 0, t = 0
        var star = -1, resume = 0
        while t < text.count {
            if p < pattern.count && (pattern[p] == "?" || pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count && pattern[p] == "*" {
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
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
