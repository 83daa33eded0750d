import Foundation
import SluiceCore

/// The boxes drawn over the main screen: forms, questions, help and log.
struct DialogView {
    let state: AppState
    let symbols: Symbols
    let timeZone: TimeZone

    /// A centred box for `lines`; returns where its inside starts.
    private func frame(title: String, lines: Int, width preferred: Int, into buffer: inout ScreenBuffer) -> (x: Int, y: Int, width: Int) {
        let width = min(buffer.width - 2, preferred)
        let height = min(buffer.height, lines + 2)
        let x = (buffer.width - width) / 2
        let y = max(0, (buffer.height - height) / 2)
        buffer.box(x: x, y: y, width: width, height: height, title: title, symbols: symbols)
        return (x + 2, y + 1, width - 4)
    }

    func drawForm(title: String, rows: [FormRow], error: String?, into buffer: inout ScreenBuffer) {
        let labelWidth = (rows.map { DisplayWidth.of($0.label) }.max() ?? 8) + 2
        let preferred = 76
        let valueWidth = min(buffer.width - 2, preferred) - 4 - labelWidth - 2
        var lines: [[(String, StyleRole)]] = []
        for row in rows {
            let marker = row.isFocused ? "> " : "  "
            var line: [(String, StyleRole)] = [(marker, .key), (pad(row.label, labelWidth), row.isFocused ? .key : .normal)]
            line += value(row)
            let indent = String(repeating: " ", count: 2 + labelWidth)
            let used = line.reduce(0) { $0 + DisplayWidth.of($1.0) }
            // A hint goes after the value, or under it when it would not fit.
            if let hint = row.hint, used + 2 + DisplayWidth.of(hint) <= 2 + labelWidth + valueWidth {
                line.append(("  " + hint, .muted))
                lines.append(line)
            } else {
                lines.append(line)
                if let hint = row.hint { lines.append([(indent + hint, .muted)]) }
            }
            if let problem = row.error {
                for text in TextWrap.lines("\(symbols.failed) \(problem)", width: valueWidth) { lines.append([(indent + text, .error)]) }
            } else if let warning = row.warning {
                for text in TextWrap.lines("\(symbols.exposed) \(warning)", width: valueWidth) { lines.append([(indent + text, .warning)]) }
            }
        }
        lines.append([])
        if let error {
            for text in TextWrap.lines("Not saved: \(error)", width: min(buffer.width - 2, preferred) - 4) { lines.append([(text, .error)]) }
        }
        lines.append([("Enter", .key), (" save  ", .muted), ("Tab", .key), (" next field  ", .muted), ("Esc", .key), (" cancel", .muted)])
        let inside = frame(title: title, lines: lines.count, width: preferred, into: &buffer)
        for (index, line) in lines.enumerated() where index < buffer.height - 2 {
            buffer.write(line, x: inside.x, y: inside.y + index, maxWidth: inside.width, ellipsis: symbols.ellipsis)
        }
    }

    private func value(_ row: FormRow) -> [(String, StyleRole)] {
        switch row.value {
        case .text(let field):
            var parts: [(String, StyleRole)] = [(field.shown(mask: symbols.mask), .normal)]
            if row.isFocused { parts.append((" ", .selected)) }
            return parts
        case let .choice(options, selected):
            return options.enumerated().map { index, option in
                index == selected ? ("[\(option)]", row.isFocused ? .selected : .key) : (" \(option) ", .muted)
            }
        }
    }

    func drawConfirmation(_ confirmation: Confirmation, into buffer: inout ScreenBuffer) {
        let width = min(buffer.width - 2, 64) - 4
        var lines = TextWrap.lines(confirmation.question, width: width).map { [($0, StyleRole.key)] }
        lines += TextWrap.lines(confirmation.detail, width: width).map { [($0, StyleRole.normal)] }
        lines.append([])
        if case .quit = confirmation {
            lines.append([("Enter", .key), (" keep running  ", .muted), ("s", .key), (" stop them  ", .muted), ("Esc", .key), (" stay", .muted)])
            draw(lines, title: "Quit", width: 64, into: &buffer)
            return
        }
        lines.append([("y", .key), (" yes  ", .muted), ("n", .key), (" no", .muted)])
        draw(lines, title: "Are you sure?", width: 64, into: &buffer)
    }

    func drawPrompt(_ dialog: PromptDialog, into buffer: inout ScreenBuffer) {
        let preferred = 76
        let width = min(buffer.width - 2, preferred) - 4
        var lines: [[(String, StyleRole)]] = []
        // Server text is shown as what it is (an ESC as ^[), before wrapping
        // so that the lines are measured as they will be drawn.
        func say(_ text: String, _ role: StyleRole = .normal) {
            for paragraph in TerminalText.sanitized(text, keepNewlines: true).split(separator: "\n", omittingEmptySubsequences: false) {
                lines += TextWrap.lines(String(paragraph), width: width).map { [($0, role)] }
            }
        }
        switch dialog.prompt {
        case let .unknownHostKey(host, keyType, fingerprint):
            // "ssh-ed25519" / "ecdsa-sha2-nistp256" as OpenSSH names the files: ed25519, ecdsa.
            let short = keyType.hasPrefix("ssh-") ? String(keyType.dropFirst(4)) : String(keyType.prefix { $0 != "-" })
            say("Sluice has not seen \(host) (server \(dialog.server)) before. Its \(short.uppercased()) host key has this fingerprint:")
            lines.append([])
            say(fingerprint, .key)
            lines.append([])
            say("Compare it with what the server's owner gives you (on the server: ssh-keygen -lf /etc/ssh/ssh_host_\(short.lowercased())_key.pub).", .muted)
            lines.append([])
            say("Trust it? Type yes (trust and remember), once (this session only) or no.")
            lines.append(field(dialog, 0, label: ""))
            if dialog.isAnswerUnclear { say("\(symbols.failed) Please type yes, once or no (or paste the fingerprint).", .error) }
            lines.append([])
            lines.append([("Enter", .key), (" answer  ", .muted), ("Esc", .key), (" reject", .muted)])
        case let .password(user, host):
            say("Password for \(user)@\(host) (server \(dialog.server)):")
            lines.append(field(dialog, 0, label: ""))
            lines.append([])
            lines.append(answerKeys)
        case .passphrase(let text):
            say("\(text) (server \(dialog.server))")
            lines.append(field(dialog, 0, label: ""))
            lines.append([])
            lines.append(answerKeys)
        case let .keyboardInteractive(host, name, instruction, questions):
            say("\(host) (server \(dialog.server)) asks:")
            if !name.isEmpty { say(name, .key) }
            if !instruction.isEmpty { say(instruction) }
            for (index, question) in questions.enumerated() {
                lines.append(field(dialog, index, label: TerminalText.sanitized(question.text)))
            }
            lines.append([])
            lines.append(answerKeys)
        }
        draw(lines, title: dialog.title, width: preferred, into: &buffer)
    }

    private var answerKeys: [(String, StyleRole)] {
        [("Enter", .key), (" answer  ", .muted), ("Esc", .key), (" cancel", .muted)]
    }

    private func field(_ dialog: PromptDialog, _ index: Int, label: String) -> [(String, StyleRole)] {
        let focused = index == dialog.focus
        var parts: [(String, StyleRole)] = [(focused ? "> " : "  ", .key), (label.isEmpty ? "" : label + " ", .normal)]
        parts.append((dialog.fields[index].shown(mask: symbols.mask), .normal))
        if focused { parts.append((" ", .selected)) }
        return parts
    }

    func drawHelp(into buffer: inout ScreenBuffer) {
        let preferred = 78
        let width = min(buffer.width - 2, preferred) - 4
        let labelWidth = (KeyMap.main.map { DisplayWidth.of($0.label) }.max() ?? 10) + 2
        var lines: [[(String, StyleRole)]] = []
        for binding in KeyMap.main {
            lines.append([(pad(binding.label, labelWidth), .key), (binding.help, .normal)])
        }
        lines.append([])
        lines.append([("In forms and questions", .title)])
        let dialogKeys = KeyMap.dialogs.map { "\($0.keys) \($0.help)" }.joined(separator: symbols.separator)
        lines += TextWrap.lines(dialogKeys, width: width).map { [($0, StyleRole.normal)] }
        draw(lines, title: "Keys (Esc closes)", width: preferred, into: &buffer)
    }

    func drawLog(into buffer: inout ScreenBuffer) {
        let server = state.currentServer?.name
        let events = state.events.filter { $0.server == nil || $0.server == server }
        let width = buffer.width - 2
        let height = buffer.height - 2
        buffer.box(x: 1, y: 1, width: width, height: height, title: "Log\(server.map { " of \($0)" } ?? "") (latest last, ↑↓ scroll, Esc closes)",
                   symbols: symbols)
        let inside = height - 2
        guard inside > 0 else { return }
        guard !events.isEmpty else {
            buffer.write("Nothing has happened yet.", x: 3, y: 2, role: .muted)
            return
        }
        let end = max(0, events.count - min(state.logScroll, max(0, events.count - 1)))
        let shown = events[max(0, end - inside)..<end]
        for (row, event) in shown.enumerated() {
            buffer.write([(Formatting.clock(event.time, in: timeZone) + "  ", .muted), (event.text, event.isProblem ? .error : .normal)],
                         x: 3, y: 2 + row, maxWidth: width - 4, ellipsis: symbols.ellipsis)
        }
    }

    func drawClosing(into buffer: inout ScreenBuffer) {
        draw([[("Closing forwards and their connections\(symbols.ellipsis)", .normal)]], title: "Quitting", width: 50, into: &buffer)
    }

    private func draw(_ lines: [[(String, StyleRole)]], title: String, width: Int, into buffer: inout ScreenBuffer) {
        let inside = frame(title: title, lines: lines.count, width: width, into: &buffer)
        for (index, line) in lines.enumerated() where inside.y + index < buffer.height - 1 {
            buffer.write(line, x: inside.x, y: inside.y + index, maxWidth: inside.width, ellipsis: symbols.ellipsis)
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(1, width - DisplayWidth.of(text)))
    }
}
