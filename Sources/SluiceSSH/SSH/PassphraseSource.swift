import CLibSSH
import Foundation
import SluiceCore

/// Asks the prompter for key passphrases when libssh (or OpenSSL) needs one,
/// so nothing ever reads the terminal behind the screen's back.
final class PassphraseSource: @unchecked Sendable {
    let prompter: any Prompter
    let server: String
    /// Set when the user declined, so the caller can say so.
    var declined = false
    /// The key being unlocked, so the question can name it.
    var keyPath: String?

    init(prompter: any Prompter, server: String) {
        self.prompter = prompter
        self.server = server
    }

    static let callback: ssh_auth_callback = { prompt, buffer, length, _, _, userdata in
        guard let userdata, let buffer, length > 0 else { return -1 }
        let source = Unmanaged<PassphraseSource>.fromOpaque(userdata).takeUnretainedValue()
        let text = source.keyPath.map { "Passphrase for \($0):" }
            ?? prompt.map { TerminalText.sanitized(String(cString: $0)) } ?? "Passphrase:"
        guard case .text(let answer) = source.prompter.answer(.passphrase(text: text), server: source.server) else {
            source.declined = true
            return -1
        }
        let bytes = Array(answer.utf8)
        guard bytes.count < length else { return -1 }
        bytes.withUnsafeBufferPointer { raw in
            raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                buffer.update(from: chars, count: bytes.count)
            }
        }
        buffer[bytes.count] = 0
        return 0
    }
}
