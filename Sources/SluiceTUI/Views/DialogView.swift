import Foundation
import SluiceCore

/// The boxes drawn over the main screen: forms, questions, help and log.
struct DialogView {
    let state: AppState
    let symbols: Symbols
    let timeZone: TimeZone

    /// A centred box for `lines`; returns where its inside starts. The
    /// rows it covers are cleared a column beyond each side, and to the
    /// screen's edge when only a sliver of the screen below would show:
    /// a lone letter of a column title beside a box reads as part of it.
    private func frame(title: String, lines: Int, width preferred: Int, into buffer: inout ScreenBuffer) -> (x: Int, y: Int, width: Int) {
        let width = min(buffer.width - 2, preferred)
        let height = min(buffer.height, lines + 2)
        let x = (buffer.width - width) / 2
        let y = max(0, (buffer.height - height) / 2)
        let sliver = 4
        let left = x <= sliver ? 0 : x - 1
        let right = buffer.width - (x + width) <= sliver ? buffer.width : x + width + 1
        for row in y..<(y + height) {
            buffer.write(String(repeating: " ", count: right - left), x: left, y: row)
        }
        buffer.box(x: x, y: y, width: width, height: height, title: title, symbols: symbols)
        return (x + 2, y + 1, width - 4)
    }

    func drawForm(title: String, rows: [FormRow], error: String?, into buffer: inout ScreenBuffer) {
        let labelWidth = (rows.map { DisplayWidth.of($0.label) }.max() ?? 8) + 2
        let preferred = 76
        let valueWidth = min(buffer.width - 2, preferred) - 4 - labelWidth - 2
        let indent = String(repeating: " ", count: 2 + labelWidth)
        var lines: [[(String, StyleRole)]] = []
        for row in rows {
            let marker = row.isFocused ? "> " : "  "
            var line: [(String, StyleRole)] = [(marker, .key), (pad(row.label, labelWidth), row.isFocused ? .key : .normal)]
            var hint = row.hint
            switch row.value {
            case .text(let field):
                // An empty field shows its hint where the value goes, so
                // typing puts text where the hint was: nothing moves.
                let placeholder = field.text.isEmpty ? hint : nil
                if placeholder != nil { hint = nil }
                let shown = TextFieldView(field: field, isFocused: row.isFocused, symbols: symbols)
                    .parts(width: valueWidth, placeholder: placeholder)
                line += shown
            case let .choice(options, selected):
                line += options.enumerated().map { index, option in
                    index == selected ? ("[\(option)]", row.isFocused ? .selected : .key) : (" \(option) ", .muted)
                }
            }
            let used = line.reduce(0) { $0 + DisplayWidth.of($1.0) }
            // A hint goes after the value, or under it when it would not fit.
            if let hint, used + 2 + DisplayWidth.of(hint) <= 2 + labelWidth + valueWidth {
                line.append(("  " + hint, .muted))
                lines.append(line)
            } else {
                lines.append(line)
                if let hint { lines.append([(indent + hint, .muted)]) }
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
            lines.append(field(dialog, 0, label: "", width: width))
            if dialog.isAnswerUnclear { say("\(symbols.failed) Please type yes, once or no (or paste the fingerprint).", .error) }
            lines.append([])
            lines.append([("Enter", .key), (" answer  ", .muted), ("Esc", .key), (" reject", .muted)])
        case let .password(user, host):
            say("Password for \(user)@\(host) (server \(dialog.server)):")
            lines.append(field(dialog, 0, label: "", width: width))
            lines.append([])
            lines.append(answerKeys)
        case .passphrase(let text):
            say("\(text) (server \(dialog.server))")
            lines.append(field(dialog, 0, label: "", width: width))
            lines.append([])
            lines.append(answerKeys)
        case let .keyboardInteractive(host, name, instruction, questions):
            say("\(host) (server \(dialog.server)) asks:")
            if !name.isEmpty { say(name, .key) }
            if !instruction.isEmpty { say(instruction) }
            for (index, question) in questions.enumerated() {
                lines.append(field(dialog, index, label: TerminalText.sanitized(question.text), width: width))
            }
            lines.append([])
            lines.append(answerKeys)
        }
        draw(lines, title: dialog.title, width: preferred, into: &buffer)
    }

    private var answerKeys: [(String, StyleRole)] {
        [("Enter", .key), (" answer  ", .muted), ("Esc", .key), (" cancel", .muted)]
    }

    /// An answer field in `width` columns, after its marker and label.
    private func field(_ dialog: PromptDialog, _ index: Int, label: String, width: Int) -> [(String, StyleRole)] {
        let focused = index == dialog.focus
        let room = width - 2 - (label.isEmpty ? 0 : DisplayWidth.of(label) + 1)
        var parts: [(String, StyleRole)] = [(focused ? "> " : "  ", .key), (label.isEmpty ? "" : label + " ", .normal)]
        parts += TextFieldView(field: dialog.fields[index], isFocused: focused, symbols: symbols).parts(width: max(1, room))
        return parts
    }

    func drawHelp(into buffer: inout ScreenBuffer) {
        let preferred = HelpText.preferredWidth
        let width = min(buffer.width - 2, preferred) - 4
        let lines = HelpText.lines(width: width, symbols: symbols)
        let room = max(1, buffer.height - 2)
        let scroll = min(state.helpScroll, max(0, lines.count - room))
        let title = lines.count > room ? "Keys (↑↓ scroll, Esc closes)" : "Keys (Esc closes)"
        draw(Array(lines.dropFirst(scroll)), title: title, width: preferred, into: &buffer)
    }

    /// The log, latest last, each event wrapped to the width (under its
    /// time), scrolled back by whole events.
    func drawLog(into buffer: inout ScreenBuffer) {
        let server = state.logShowsAll ? nil : state.currentServer?.name
        let events = state.logEvents
        let width = buffer.width - 2
        let height = buffer.height - 2
        // The screen below shows only as slivers beside the box: cleared.
        for row in 1...height { buffer.write(String(repeating: " ", count: buffer.width), x: 0, y: row) }
        let scope = server.map { "Log of \($0) (a: all servers" } ?? "Log of all servers (a: \(state.currentServer?.name ?? "one server")"
        buffer.box(x: 1, y: 1, width: width, height: height, title: "\(scope), ↑↓ scroll, Esc closes)", symbols: symbols)
        let inside = height - 2
        guard inside > 0 else { return }
        guard !events.isEmpty else {
            buffer.write("Nothing has happened yet.", x: 3, y: 2, role: .muted)
            return
        }
        let clock = Formatting.clock(events[0].time, in: timeZone) + "  "
        let textWidth = max(10, width - 4 - DisplayWidth.of(clock))
        let end = max(0, events.count - min(state.logScroll, max(0, events.count - 1)))
        // From the newest shown back, as many whole events as fit; the
        // oldest may lose its first lines.
        var rows: [[(String, StyleRole)]] = []
        for event in events[..<end].reversed() where rows.count < inside {
            let text = TerminalText.sanitized(event.text, limit: .max)
            let lines = TextWrap.lines(text, width: textWidth)
            let role: StyleRole = event.isProblem ? .error : .normal
            var block: [[(String, StyleRole)]] = [[(Formatting.clock(event.time, in: timeZone) + "  ", .muted), (lines.first ?? "", role)]]
            block += lines.dropFirst().map { [(String(repeating: " ", count: DisplayWidth.of(clock)) + $0, role)] }
            rows.insert(contentsOf: block, at: 0)
        }
        for (row, line) in rows.suffix(inside).enumerated() {
            buffer.write(line, x: 3, y: 2 + row, maxWidth: width - 4, ellipsis: symbols.ellipsis)
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
