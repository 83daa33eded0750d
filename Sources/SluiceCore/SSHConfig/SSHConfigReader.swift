import Foundation

/// Reads an ssh config file and the files it includes into lines, the way
/// OpenSSH reads them: `Keyword value`, `Keyword=value`, quoted arguments,
/// `#` comments, and `Include` with globs where relative paths are taken
/// from `~/.ssh` (from `/etc/ssh` in the system's file).
struct SSHConfigReader {
    static let maximumIncludeDepth = 16

    let home: String
    /// Where relative Include paths start.
    let includeBase: String
    /// Files that could not be read, said to the user but not fatal: OpenSSH
    /// itself ignores an Include that matches nothing.
    private(set) var warnings: [String] = []

    init(home: String, includeBase: String? = nil) {
        self.home = home
        self.includeBase = includeBase ?? home + "/.ssh"
    }

    mutating func read(file path: String) throws(SSHConfigError) -> [SSHConfigLine] {
        let text: String?
        do {
            text = try TextFile.readText(path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        guard let text else { throw .unreadable(path: path, reason: "it is not UTF-8 text") }
        return try parse(text, file: path, depth: 0)
    }

    mutating func parse(_ text: String, file: String, depth: Int) throws(SSHConfigError) -> [SSHConfigLine] {
        var lines: [SSHConfigLine] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let location = SSHConfigLocation(file: file, line: offset + 1)
            let words = try Self.words(in: String(rawLine), at: location)
            guard let keyword = words.first?.lowercased() else { continue }
            let arguments = Array(words.dropFirst())
            switch keyword {
            case "host":
                lines.append(.host(arguments, location))
            case "match":
                lines.append(.match(matchesAll: arguments.map { $0.lowercased() } == ["all"], location))
            case "include":
                guard depth < Self.maximumIncludeDepth else {
                    throw .syntax(location, "Include is nested more than \(Self.maximumIncludeDepth) deep (does a file include itself?)")
                }
                var included: [SSHConfigLine] = []
                for argument in arguments {
                    for path in expandInclude(argument) {
                        guard let contents = try? TextFile.readText(path) else {
                            warnings.append("\(location): cannot read included file \(path)")
                            continue
                        }
                        included += try parse(contents, file: path, depth: depth + 1)
                    }
                }
                lines.append(.include(included))
            default:
                lines.append(.option(keyword: keyword, arguments: arguments, raw: Self.rawArguments(in: String(rawLine)), location))
            }
        }
        return lines
    }

    private func expandInclude(_ argument: String) -> [String] {
        var pattern = HomeDirectory.expandingTilde(argument, environment: ["HOME": home])
        if !pattern.hasPrefix("/") { pattern = includeBase + "/" + pattern }
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }
    }

    /// The line after its keyword and the separator (spaces, or one `=`),
    /// trailing spaces dropped: OpenSSH hands ProxyCommand this text as is.
    static func rawArguments(in line: String) -> String {
        var rest = Substring(line).drop { $0.isWhitespace }
        rest = rest.drop { !$0.isWhitespace && $0 != "=" }
        rest = rest.drop { $0.isWhitespace }
        if rest.first == "=" { rest = rest.dropFirst().drop { $0.isWhitespace } }
        while let last = rest.last, last.isWhitespace { rest = rest.dropLast() }
        return String(rest)
    }

    /// Splits a line into words: the first `=` may separate keyword and value,
    /// double quotes group words, `#` outside quotes starts a comment.
    static func words(in line: String, at location: SSHConfigLocation) throws(SSHConfigError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quoted = false
        var keywordDone = false
        for character in line {
            if quoted {
                if character == "\"" { quoted = false } else { current.append(character) }
                continue
            }
            switch character {
            case "\"":
                quoted = true
                inWord = true
            case "#" where !inWord:
                return finish()
            case "=" where !keywordDone && words.count + (inWord ? 1 : 0) == 1:
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
                keywordDone = true
            case _ where character.isWhitespace:
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            default:
                current.append(character)
                inWord = true
            }
        }
        if quoted { throw .syntax(location, "a '\"' is not closed") }
        return finish()

        func finish() -> [String] {
            if inWord { words.append(current) }
            return words
        }
    }
}
