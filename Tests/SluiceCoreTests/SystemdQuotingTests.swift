import SluiceCore
import Testing

@Suite struct SystemdQuotingTests {
    @Test func plainPathsAreWrittenAsTheyAre() {
        #expect(SystemdQuoting.commandLine(executable: "/usr/local/bin/sluice", arguments: ["up"]) == "/usr/local/bin/sluice up")
        #expect(SystemdQuoting.commandLine(executable: "/opt/naïve/sluice", arguments: ["up", "--store", "/home/me/café.json"])
            == "/opt/naïve/sluice up --store /home/me/café.json")
    }

    @Test(arguments: [
        ("/home/me/my forwards.json", #""/home/me/my forwards.json""#),
        ("/home/me/100%.json", "/home/me/100%%.json"),
        ("/home/me/%h.json", "/home/me/%%h.json"),
        ("/home/me/$HOME.json", "/home/me/$$HOME.json"),
        ("/home/me/${HOME}.json", "/home/me/$${HOME}.json"),
        (#"/home/me/"quoted".json"#, #""/home/me/\"quoted\".json""#),
        (#"/home/me/back\slash.json"#, #""/home/me/back\\slash.json""#),
        ("/home/me/it's.json", #""/home/me/it's.json""#),
        ("/home/me/a;b.json", #""/home/me/a;b.json""#),
        ("/home/me/new\nline\ttab\u{1B}.json", #""/home/me/new\nline\ttab\x1b.json""#),
        ("/home/me/evil\u{202E}txt", #""/home/me/evil\u202etxt""#),
        ("", #""""#),
    ])
    func argumentsAreEscapedForEachOfSystemdsPasses(_ argument: String, _ written: String) {
        #expect(SystemdQuoting.commandLine(executable: "/bin/sluice", arguments: [argument]) == "/bin/sluice " + written)
    }

    /// systemd looks the program up before it expands variables: a `$`
    /// in the executable is literal and must not be doubled.
    @Test func theExecutableKeepsItsDollarsButNotItsPercents() {
        #expect(SystemdQuoting.commandLine(executable: "/opt/$x 100%/sluice", arguments: ["$x"])
            == #""/opt/$x 100%%/sluice" $$x"#)
    }

    @Test func systemdRunsNoProgramWithQuotesBackslashesOrControlsInItsPath() {
        #expect(SystemdQuoting.canRun("/opt/my sluice 100% $x ;/naïve\u{202E}/sluice"))
        for path in [#"/opt/"q"/sluice"#, "/opt/it's/sluice", #"/opt/back\slash/sluice"#, "/opt/new\nline/sluice", "/opt/del\u{7F}/sluice"] {
            #expect(!SystemdQuoting.canRun(path), "\(path)")
        }
    }

    @Test func aWeirdStorePathComesBackWhole() {
        let store = #"/tmp/my "odd" store/100% $HOME \n ${X}'s;.json"#
        let line = SystemdQuoting.commandLine(executable: "/opt/my sluice/sluice", arguments: ["up", "--store", store])
        #expect(line == #""/opt/my sluice/sluice" up --store "/tmp/my \"odd\" store/100%% $$HOME \\n $${X}'s;.json""#)
        #expect(SystemdReading.arguments(of: line) == ["/opt/my sluice/sluice", "up", "--store", store])
    }

    @Test func anyTextComesBackWhole() {
        let alphabet = Array(#"ab /%$"'\;{}~é"#.unicodeScalars) + ["\n", "\t", "\u{1}", "\u{7F}", "\u{202E}", "\u{200B}", "\u{1F600}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var argument = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...12, using: &generator) { argument.append(alphabet.randomElement(using: &generator)!) }
            let text = String(argument)
            let line = SystemdQuoting.commandLine(executable: "/p", arguments: [text, "x"])
            #expect(SystemdReading.arguments(of: line) == ["/p", text, "x"], "\(line)")
        }
    }
}

/// ExecStart= as systemd reads it, for the cases above: specifiers (only
/// `%%`, which is all the quoting writes), words with double quotes and C
/// escapes, then `$$` in every word after the first.
private enum SystemdReading {
    static func arguments(of line: String) -> [String]? {
        var text = Array(line.unicodeScalars)
        var resolved = String.UnicodeScalarView()
        var index = 0
        while index < text.count {
            if text[index] == "%" {
                guard index + 1 < text.count, text[index + 1] == "%" else { return nil }
                index += 1
            }
            resolved.append(text[index])
            index += 1
        }
        text = Array(resolved)
        var words: [String] = []
        index = 0
        while index < text.count {
            while index < text.count, text[index] == " " { index += 1 }
            guard index < text.count else { break }
            var word = String.UnicodeScalarView()
            var quoted = false
            while index < text.count, quoted || text[index] != " " {
                let scalar = text[index]
                index += 1
                if scalar == "\"" {
                    quoted.toggle()
                } else if scalar == "\\" {
                    guard index < text.count, let decoded = unescape(text, &index) else { return nil }
                    word.append(decoded)
                } else if scalar.value < 0x20 {
                    return nil
                } else {
                    word.append(scalar)
                }
            }
            if quoted { return nil }
            words.append(String(word))
        }
        guard let first = words.first else { return [] }
        var arguments = [first]
        for word in words.dropFirst() {
            guard let expanded = expandingDollars(word) else { return nil }
            arguments.append(expanded)
        }
        return arguments
    }

    /// `$$` is a `$`; any other `$` would start a variable.
    private static func expandingDollars(_ word: String) -> String? {
        var result = String.UnicodeScalarView()
        var pendingDollar = false
        for scalar in word.unicodeScalars {
            if pendingDollar {
                guard scalar == "$" else { return nil }
                result.append("$")
                pendingDollar = false
            } else if scalar == "$" {
                pendingDollar = true
            } else {
                result.append(scalar)
            }
        }
        return pendingDollar ? nil : String(result)
    }

    private static func unescape(_ text: [Unicode.Scalar], _ index: inout Int) -> Unicode.Scalar? {
        let letter = text[index]
        index += 1
        switch letter {
        case "\\", "\"", "'": return letter
        case "n": return "\n"
        case "t": return "\t"
        case "x": return hex(text, &index, digits: 2)
        case "u": return hex(text, &index, digits: 4)
        case "U": return hex(text, &index, digits: 8)
        default: return nil
        }
    }

    private static func hex(_ text: [Unicode.Scalar], _ index: inout Int, digits: Int) -> Unicode.Scalar? {
        guard index + digits <= text.count, let value = UInt32(String(String.UnicodeScalarView(text[index..<index + digits])), radix: 16) else { return nil }
        index += digits
        return Unicode.Scalar(value)
    }
}
