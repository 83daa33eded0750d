import ArgumentParser
import Foundation
import SluiceCore

/// Shell completion of saved names (`sluice enable db/<Tab>`), from the
/// store the command line being completed would use: its --store, else
/// SLUICE_STORE, XDG_CONFIG_HOME and HOME as every command takes them.
///
/// Completion runs on every Tab, so it never fails loudly: a store that is
/// missing, broken or not a file completes nothing and prints nothing.
enum StoreCompletion {
    /// Saved server names.
    static let servers = CompletionKind.custom { words, index, prefix in
        candidates(words, index, prefix) { document in document.servers.map(\.name) }
    }

    /// Saved forwards as SERVER/FORWARD.
    static let forwards = CompletionKind.custom { words, index, prefix in
        candidates(words, index, prefix) { document in
            document.servers.flatMap { server in server.forwards.map { "\(server.name)/\($0.name)" } }
        }
    }

    private static func candidates(_ words: [String], _ index: Int, _ prefix: String, _ names: (StoreDocument) -> [String]) -> [String] {
        let path = Store.defaultPath(explicit: storeOption(in: words, before: index))
        guard let document = try? Store(path: path).load() else { return [] }
        let typed = unquoted(prefix)
        return names(document).filter { $0.hasPrefix(typed) && isShellSafe($0) }
    }

    /// The value of the last `--store PATH` or `--store=PATH` before the
    /// word being completed. Bash splits `--store=PATH` into three words.
    static func storeOption(in words: [String], before index: Int) -> String? {
        let words = Array(words.prefix(max(0, min(index, words.count))))
        var value: String?
        var position = 0
        while position < words.count {
            let word = words[position]
            if word == "--store" {
                var next = position + 1
                if next < words.count, words[next] == "=" { next += 1 }
                if next < words.count { value = unquoted(words[next]) }
                position = next
            } else if word.hasPrefix("--store=") {
                value = unquoted(String(word.dropFirst("--store=".count)))
            }
            position += 1
        }
        return value
    }

    /// A shell word as typed, without its quotes and backslashes: what the
    /// command would receive, near enough for a path or a prefix.
    static func unquoted(_ word: String) -> String {
        var result = ""
        var quote: Character?
        var escaped = false
        for character in word {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == quote {
                quote = nil
            } else if quote == nil && (character == "'" || character == "\"") {
                quote = character
            } else if character == "\\" && quote != "'" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// Names the shells take as they are. Bash runs its completion words
    /// through `compgen -W`, which expands them (`$(...)`, backquotes,
    /// `$VAR`, `~`, braces): a name saved with such characters (names allow
    /// them; an ssh config alias can bring one) is not offered, so that no
    /// shell ever sees it as code.
    static func isShellSafe(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { scalar in
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                return (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || safePunctuation.contains(byte)
            }
            return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
    }

    private static let safePunctuation: Set<UInt8> = Set("._-+@%,:=/".utf8)
}
