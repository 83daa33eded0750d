import Foundation
import SluiceCore
import SluiceSSH

/// Asks the engine's questions on the controlling terminal (/dev/tty), so
/// it works even with stdin and stderr redirected. With no terminal it
/// answers `.unavailable` and the engine explains how to proceed.
final class TerminalPrompter: Prompter, @unchecked Sendable {
    /// One question at a time: several servers may be connecting at once.
    private let lock = NSLock()

    func answer(_ prompt: Prompt, server: String) -> PromptAnswer {
        lock.lock()
        defer { lock.unlock() }
        guard let tty = FileHandle(forUpdatingAtPath: "/dev/tty") else { return .unavailable }
        defer { try? tty.close() }
        let fd = tty.fileDescriptor
        switch prompt {
        case let .unknownHostKey(host, keyType, fingerprint):
            write(fd, """
                The authenticity of host '\(host)' (server \(server)) can't be established.
                \(keyType) key fingerprint is \(fingerprint).
                Accept it? [y]es and remember / [o]nce / [N]o: 
                """)
            switch readLine(fd, echo: true)?.lowercased() {
            case "y", "yes": return .acceptAndSaveHostKey
            case "o", "once": return .acceptHostKeyOnce
            default: return .cancelled
            }
        case let .password(user, host):
            write(fd, "\(user)@\(host)'s password (server \(server)): ")
            return readLine(fd, echo: false).map(PromptAnswer.text) ?? .cancelled
        case .passphrase(let text):
            write(fd, "\(text.hasSuffix(" ") ? text : text + " ")")
            return readLine(fd, echo: false).map(PromptAnswer.text) ?? .cancelled
        case let .keyboardInteractive(host, name, instruction, questions):
            let header = [name, instruction].filter { !$0.isEmpty }.joined(separator: "\n")
            write(fd, "\(host) (server \(server)) asks:\n" + (header.isEmpty ? "" : header + "\n"))
            var answers: [String] = []
            for question in questions {
                write(fd, question.text)
                guard let answer = readLine(fd, echo: question.echo) else { return .cancelled }
                answers.append(answer)
            }
            return .texts(answers)
        }
    }

    /// Host names, prompts and instructions come from the server or the
    /// config: sanitised like everything else the CLI writes (Console).
    private func write(_ fd: Int32, _ text: String) {
        let bytes = Array(TerminalText.sanitized(text, limit: .max, keepNewlines: true).utf8)
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
