import Foundation
import SluiceCore
import SluiceSSH

/// Asks the engine's questions on the controlling terminal (/dev/tty), so
/// it works even with stdin and stderr redirected. With no terminal it
/// answers `.unavailable` and the engine explains how to proceed.
final class TerminalPrompter: Prompter, @unchecked Sendable {
    /// One question at a time: several servers may be connecting at once.
    private let lock = NSLock()

    /// True when this process has a terminal to ask on.
    static var isAvailable: Bool {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    func answer(_ prompt: Prompt, server: String) -> PromptAnswer {
        lock.lock()
        defer { lock.unlock() }
        // Opened by hand for O_CLOEXEC: no child may inherit the terminal
        // a password is typed on.
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return .unavailable }
        defer { close(fd) }
        // Every string below may come from the server (its prompts, names
        // and instructions) or from a config file: none reaches the
        // terminal with its control characters.
        switch prompt {
        case let .unknownHostKey(host, keyType, fingerprint):
            write(fd, """
                The authenticity of host '\(shown(host))' (server \(shown(server))) can't be established.
                \(shown(keyType)) key fingerprint is \(shown(fingerprint)).
                Trust it? Type yes to trust and remember it, once for this session only, or no: 
                """)
            // What was typed before the question was there was meant for
            // something else: it must not answer it.
            tcflush(fd, TCIFLUSH)
            while let line = readLine(fd, echo: true) {
                if let answer = PromptAnswer(hostKeyReply: line, fingerprint: fingerprint) { return answer }
                write(fd, "Please type yes, once or no: ")
            }
            return .cancelled
        case let .password(user, host):
            write(fd, "\(shown(user))@\(shown(host))'s password (server \(shown(server))): ")
            return readLine(fd, echo: false).map(PromptAnswer.text) ?? .cancelled
        case .passphrase(let text):
            let question = shown(text)
            write(fd, question.hasSuffix(" ") ? question : question + " ")
            return readLine(fd, echo: false).map(PromptAnswer.text) ?? .cancelled
        case let .keyboardInteractive(host, name, instruction, questions):
            let header = [shown(name), shown(instruction, keepNewlines: true)].filter { !$0.isEmpty }.joined(separator: "\n")
            write(fd, "\(shown(host)) (server \(shown(server))) asks:\n" + (header.isEmpty ? "" : header + "\n"))
            var answers: [String] = []
            for question in questions {
                write(fd, shown(question.text))
                guard let answer = readLine(fd, echo: question.echo) else { return .cancelled }
                answers.append(answer)
            }
            return .texts(answers)
        }
    }

    /// Host names, prompts and instructions come from the server or the
    /// config: every one is shown sanitised (instructions keep their lines).
    private func shown(_ text: String, keepNewlines: Bool = false) -> String {
        TerminalText.sanitized(text, keepNewlines: keepNewlines)
    }

    private func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
    }

    /// Reads one line; with `echo` off the typed characters are not shown.
    private func readLine(_ fd: Int32, echo: Bool) -> String? {
        var saved = termios()
        let hasTerminalSettings = tcgetattr(fd, &saved) == 0
        if !echo && hasTerminalSettings {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSANOW, &quiet)
        }
        defer {
            if !echo && hasTerminalSettings {
                tcsetattr(fd, TCSANOW, &saved)
                write(fd, "\n")
            }
        }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while Foundation.read(fd, &byte, 1) == 1 {
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
        return line.isEmpty ? nil : String(decoding: line, as: UTF8.self)
    }
}
