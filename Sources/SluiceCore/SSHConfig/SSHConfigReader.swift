import Foundation

/// Reads an ssh config file and the files it includes into lines, the way
/// OpenSSH reads them: `Keyword value`, `Keyword=value`, quoted arguments,
/// `#` comments, and `Include` with globs where relative paths are taken
/// from `~/.ssh`.
struct SSHConfigReader {
    static let maximumIncludeDepth = 16
    /// A config and everything it includes together: a glob over a huge
    /// folder, or files that include each other many times over, must not
    /// make Sluice read without end.
    static let maximumIncludedFiles = 1024
    static let maximumTotalBytes = TextFile.sizeLimit

    let home: String
    /// Files that could not be read, said to the user but not fatal: OpenSSH
    /// itself ignores an Include that matches nothing.
    private(set) var warnings: [String] = []
    private var includedFiles = 0
    private var totalBytes = 0

    init(home: String) {
        self.home = home
    }

    mutating func read(file path: String) throws(SSHConfigError) -> [SSHConfigLine] {
        let text: String?
        do {
            text = try TextFile.readText(path)
        } catch .system(let error) {
            throw .unreadable(path: path, reason: error.reason)
        } catch {
            throw .unusable(path: path, reason: error.reason)
        }
        guard let text else { throw .unusable(path: path, reason: "it is not UTF-8 text") }
        return try parse(text, file: path, depth: 0)
    }

    mutating func parse(_ text: String, file: String, depth: Int) throws(SSHConfigError) -> [SSHConfigLine] {
        totalBytes += text.utf8.count
        var lines: [SSHConfigLine] = []
        // Lines are split on the byte: as Characters, "\r\n" is one
        // character and not "\n", so a file with CRLF endings read as a
        // single line (ssh takes CRLF, with '\r' as white space).
        for (offset, rawLine) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let location = SSHConfigLocation(file: file, line: offset + 1)
            let line = String(decoding: rawLine, as: UTF8.self)
            let words = try Self.words(in: line, at: location)
            guard let keyword = words.first?.lowercased() else { continue }
            let arguments = Array(words.dropFirst())
            switch keyword {
            case "host":
                lines.append(.host(HostPatterns(arguments), location))
            case "match":
                lines.append(.match(matchesAll: arguments.map { $0.lowercased() } == ["all"], location))
            case "include":
                guard depth < Self.maximumIncludeDepth else {
                    throw .syntax(location, "Include is nested more than \(Self.maximumIncludeDepth) deep (does a file include itself?)")
                }
                var included: [SSHConfigLine] = []
                for path in arguments.flatMap(expandInclude) {
                    guard includedFiles < Self.maximumIncludedFiles else {
                        warnings.append("\(location): skipped the rest of this Include: the ssh config already includes \(Self.maximumIncludedFiles) files, the most Sluice reads")
                        break
                    }
                    includedFiles += 1
                    guard let contents = readIncluded(path, at: location) else { continue }
                    included += try parse(contents, file: path, depth: depth + 1)
                }
                lines.append(.include(included))
            default:
                lines.append(.option(keyword: keyword, arguments: arguments, location))
            }
        }
        return lines
    }

    /// An included file's text, or nil after a warning that says why not.
    private mutating func readIncluded(_ path: String, at location: SSHConfigLocation) -> String? {
        let budget = Self.maximumTotalBytes - totalBytes
        do {
            guard let text = try TextFile.readText(path, limit: max(0, budget)) else {
                warnings.append("\(location): cannot read included file \(TerminalText.path(path)): it is not UTF-8 text")
                return nil
            }
            return text
        } catch .tooLarge {
            warnings.append("\(location): skipped included file \(TerminalText.path(path)): with it the ssh config and its Includes would hold more than \(Self.maximumTotalBytes >> 20) MiB, the most Sluice reads")
        } catch {
            warnings.append("\(location): cannot read included file \(TerminalText.path(path)): \(error.reason)")
        }
        return nil
    }

    private func expandInclude(_ argument: String) -> [String] {
        var pattern = HomeDirectory.expandingTilde(argument, environment: ["HOME": home])
        if !pattern.hasPrefix("/") { pattern = home + "/.ssh/" + pattern }
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }
    }

    /// Splits a line into words: the first `=` may separate keyword and value,
    /// double quotes group words, `#` outside quotes starts a comment.
    /// White space is ssh's: space, tab, CR (and VT, FF). Read byte by byte,
    /// since every character with a meaning here is ASCII: a generated
    /// config of 100,000 lines reads in a blink.
    static func words(in line: String, at location: SSHConfigLocation) throws(SSHConfigError) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var inWord = false
        var quoted = false
        var keywordDone = false
        func endWord() {
            words.append(String(decoding: current, as: UTF8.self))
            current.removeAll(keepingCapacity: true)
            inWord = false
        }
        for byte in line.utf8 {
            if quoted {
                if byte == UInt8(ascii: "\"") { quoted = false } else { current.append(byte) }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                quoted = true
                inWord = true
            case UInt8(ascii: "#") where !inWord:
                return words
            case UInt8(ascii: "=") where !keywordDone && words.count + (inWord ? 1 : 0) == 1:
                if inWord { endWord() }
                keywordDone = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                if inWord { endWord() }
            default:
                current.append(byte)
                inWord = true
            }
        }
        if quoted { throw .syntax(location, "a '\"' is not closed") }
        if inWord { endWord() }
        return words
    }
}
