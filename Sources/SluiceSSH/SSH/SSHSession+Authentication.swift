import CLibSSH
import Foundation
import SluiceCore

extension SSHSession {
    /// Logs in as OpenSSH would: the agent's keys, then each identity file
    /// in turn (its certificates first), then keyboard-interactive and
    /// password, asked through the prompter. A failure lists what was
    /// tried, keys by path.
    func authenticate(prompter: any Prompter) throws(SessionError) {
        var tried: [String] = []
        var result = ssh_userauth_none(handle, nil)
        if result == SSH_AUTH_SUCCESS.rawValue { return }
        try checkNotBroken(result)
        let methods = ssh_userauth_list(handle, nil)

        if methods & Int32(SSH_AUTH_METHOD_PUBLICKEY) != 0 && host.allowsPublicKey {
            if host.usesAgent, let agent = host.agentSocket ?? ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"], !agent.isEmpty {
                tried.append("the agent (\(agent))")
                result = ssh_userauth_agent(handle, nil)
                if result == SSH_AUTH_SUCCESS.rawValue { return }
                try checkNotBroken(result)
            }
            for path in host.identityFiles {
                guard FileManager.default.fileExists(atPath: path) else {
                    if host.namedIdentityFiles.contains(path) { tried.append("\(path) (no such file)") }
                    continue
                }
                switch try authenticate(withKeyFile: path) {
                case .accepted: return
                case .refused(let why): tried.append("\(path) (\(why))")
                }
            }
        }
        if methods & Int32(SSH_AUTH_METHOD_INTERACTIVE) != 0 && host.allowsKeyboardInteractive {
            tried.append("keyboard-interactive")
            if try authenticateInteractively(prompter: prompter) { return }
        }
        if methods & Int32(SSH_AUTH_METHOD_PASSWORD) != 0 && host.allowsPassword {
            tried.append("password")
            for _ in 0..<3 {
                guard case .text(let password) = prompter.answer(.password(user: host.user, host: displayName), server: serverName) else { break }
                result = ssh_userauth_password(handle, nil, password)
                if result == SSH_AUTH_SUCCESS.rawValue { return }
                try checkNotBroken(result)
            }
        }
        throw .authenticationFailed(user: host.user, host: displayName, tried: tried)
    }

    private enum KeyOutcome {
        case accepted
        case refused(String)
    }

    private func checkNotBroken(_ result: Int32) throws(SessionError) {
        if result == SSH_AUTH_ERROR.rawValue {
            throw .linkLost("while logging in: \(LibSSHMessage.explain(lastError, host: displayName))")
        }
    }

    /// Tries one key file. The public half, when it lies beside the key, is
    /// offered first, so no passphrase is asked for a key the server would
    /// refuse anyway. A key the user named that cannot be read (a declined
    /// or wrong passphrase) stops the login: it needs the user.
    private func authenticate(withKeyFile path: String) throws(SessionError) -> KeyOutcome {
        var publicKey: ssh_key?
        if ssh_pki_import_pubkey_file(path + ".pub", &publicKey) == SSH_OK, let publicKey {
            let offer = ssh_userauth_try_publickey(handle, nil, publicKey)
            ssh_key_free(publicKey)
            try checkNotBroken(offer)
            if offer != SSH_AUTH_SUCCESS.rawValue && certificates(for: path).isEmpty { return .refused("refused by the server") }
        }
        var key: ssh_key?
        passphraseSource.declined = false
        passphraseSource.keyPath = path
        defer { passphraseSource.keyPath = nil }
        let source = Unmanaged.passUnretained(passphraseSource).toOpaque()
        guard ssh_pki_import_privkey_file(path, nil, PassphraseSource.callback, source, &key) == SSH_OK, let key else {
            let reason = passphraseSource.declined ? "it needs a passphrase and none was given" : "wrong passphrase, or not a private key Sluice can read"
            if host.namedIdentityFiles.contains(path) { throw .keyUnusable(path: path, reason: reason) }
            return .refused(reason)
        }
        defer { ssh_key_free(key) }
        for certificatePath in certificates(for: path) {
            var certificate: ssh_key?
            guard ssh_pki_import_cert_file(certificatePath, &certificate) == SSH_OK, let certificate else { continue }
            defer { ssh_key_free(certificate) }
            // Fails when the certificate is for another key; then it is not this key's.
            guard ssh_pki_copy_cert_to_privkey(certificate, key) == SSH_OK else { continue }
            let result = ssh_userauth_publickey(handle, nil, key)
            if result == SSH_AUTH_SUCCESS.rawValue { return .accepted }
            try checkNotBroken(result)
        }
        let result = ssh_userauth_publickey(handle, nil, key)
        if result == SSH_AUTH_SUCCESS.rawValue { return .accepted }
        try checkNotBroken(result)
        return .refused("refused by the server")
    }

    /// Certificates that may belong to the key at `path`: the config's
    /// CertificateFile lines and `<key>-cert.pub`, as OpenSSH looks for them.
    private func certificates(for path: String) -> [String] {
        (host.certificateFiles + [path + "-cert.pub"]).filter { FileManager.default.fileExists(atPath: $0) }
    }

    private func authenticateInteractively(prompter: any Prompter) throws(SessionError) -> Bool {
        var result = ssh_userauth_kbdint(handle, nil, nil)
        while result == SSH_AUTH_INFO.rawValue {
            let count = ssh_userauth_kbdint_getnprompts(handle)
            if count > 0 {
                // The server's words go to a terminal or a dialog: made safe here.
                let questions = (0..<UInt32(count)).map { index -> Prompt.Question in
                    var echo: CChar = 0
                    let text = ssh_userauth_kbdint_getprompt(handle, index, &echo).map { String(cString: $0) } ?? ""
                    return Prompt.Question(text: TerminalText.sanitized(text), echo: echo != 0)
                }
                let prompt = Prompt.keyboardInteractive(
                    host: displayName,
                    name: TerminalText.sanitized(ssh_userauth_kbdint_getname(handle).map { String(cString: $0) } ?? ""),
                    instruction: TerminalText.sanitized(ssh_userauth_kbdint_getinstruction(handle).map { String(cString: $0) } ?? "",
                                                        keepNewlines: true),
                    questions: questions)
                guard case .texts(let answers) = prompter.answer(prompt, server: serverName), answers.count == questions.count else {
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
