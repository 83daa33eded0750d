import CLibSSH
import Foundation
import SluiceCore

extension SSHSession {
    /// Logs in with what the user has: the named identity file, else the
    /// agent and the default keys; then keyboard-interactive and password,
    /// asked through the prompter.
    func authenticate(prompter: any Prompter) throws(SessionError) {
        var tried: [String] = []
        var result = ssh_userauth_none(handle, nil)
        if result == SSH_AUTH_SUCCESS.rawValue { return }
        try checkNotBroken(result)
        let methods = ssh_userauth_list(handle, nil)

        if methods & Int32(SSH_AUTH_METHOD_PUBLICKEY) != 0 {
            if let identity = settings.identityFile {
                tried.append("the key \(identity)")
                result = try authenticateWithKeyFile(HomeDirectory.expandingTilde(identity, environment: ["HOME": settings.home]))
            } else {
                let agent = ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"] != nil
                tried.append(agent ? "the agent and the keys in \(settings.sshDirectory)" : "the keys in \(settings.sshDirectory)")
                result = ssh_userauth_publickey_auto(handle, nil, nil)
            }
            if result == SSH_AUTH_SUCCESS.rawValue { return }
            try checkNotBroken(result)
        }
        if methods & Int32(SSH_AUTH_METHOD_INTERACTIVE) != 0 {
            tried.append("keyboard-interactive")
            if try authenticateInteractively(prompter: prompter) { return }
        }
        if methods & Int32(SSH_AUTH_METHOD_PASSWORD) != 0 {
            tried.append("password")
            for _ in 0..<3 {
                guard case .text(let password) = prompter.answer(.password(user: userName, host: displayName), server: settings.serverName) else { break }
                result = ssh_userauth_password(handle, nil, password)
                if result == SSH_AUTH_SUCCESS.rawValue { return }
                try checkNotBroken(result)
            }
        }
        throw .authenticationFailed(user: userName, host: displayName, tried: tried)
    }

    /// The user name libssh logs in as (from the destination, the ssh
    /// config, or the local account).
    var userName: String {
        var value: UnsafeMutablePointer<CChar>?
        guard ssh_options_get(handle, SSH_OPTIONS_USER, &value) == SSH_OK, let value else { return "?" }
        defer { ssh_string_free_char(value) }
        return String(cString: value)
    }

    private func checkNotBroken(_ result: Int32) throws(SessionError) {
        if result == SSH_AUTH_ERROR.rawValue {
            throw .linkLost("while logging in: \(lastError)")
        }
    }

    private func authenticateWithKeyFile(_ path: String) throws(SessionError) -> Int32 {
        guard FileManager.default.fileExists(atPath: path) else { throw .keyUnusable(path: path, reason: "no such file") }
        var key: ssh_key?
        let source = Unmanaged.passUnretained(passphraseSource).toOpaque()
        passphraseSource.declined = false
        guard ssh_pki_import_privkey_file(path, nil, PassphraseSource.callback, source, &key) == SSH_OK, let key else {
            throw .keyUnusable(path: path, reason: passphraseSource.declined
                ? "it needs a passphrase and none was given"
                : "wrong passphrase, or not a private key Sluice can read")
        }
        defer { ssh_key_free(key) }
        return ssh_userauth_publickey(handle, nil, key)
    }

    private func authenticateInteractively(prompter: any Prompter) throws(SessionError) -> Bool {
        var result = ssh_userauth_kbdint(handle, nil, nil)
        while result == SSH_AUTH_INFO.rawValue {
            let count = ssh_userauth_kbdint_getnprompts(handle)
            if count > 0 {
                let questions = (0..<UInt32(count)).map { index -> Prompt.Question in
                    var echo: CChar = 0
                    let text = ssh_userauth_kbdint_getprompt(handle, index, &echo).map { String(cString: $0) } ?? ""
                    return Prompt.Question(text: text, echo: echo != 0)
                }
                let prompt = Prompt.keyboardInteractive(
                    host: displayName,
                    name: ssh_userauth_kbdint_getname(handle).map { String(cString: $0) } ?? "",
                    instruction: ssh_userauth_kbdint_getinstruction(handle).map { String(cString: $0) } ?? "",
                    questions: questions)
                guard case .texts(let answers) = prompter.answer(prompt, server: settings.serverName), answers.count == questions.count else {
                    return false
                }
                for (index, answer) in answers.enumerated() {
                    ssh_userauth_kbdint_setanswer(handle, UInt32(index), answer)
                }
            }
            result = ssh_userauth_kbdint(handle, nil, nil)
        }
        try checkNotBroken(result)
        return result == SSH_AUTH_SUCCESS.rawValue
    }
}
