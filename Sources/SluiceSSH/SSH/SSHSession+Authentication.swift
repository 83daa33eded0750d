import CLibSSH
import Foundation
import SluiceCore

extension SSHSession {
    /// Logs in as OpenSSH would: the agent's keys, then each identity file
    /// in turn, then keyboard-interactive and password, asked through the
    /// prompter. A server that wants more than one method (a key and then
    /// a one-time code) gets the next one it still lists. A failure lists
    /// what was tried, keys by path.
    func authenticate(prompter: any Prompter) throws(SessionError) {
        var tried: [String] = []
        let none = ssh_userauth_none(handle, nil)
        if none == SSH_AUTH_SUCCESS.rawValue { return }
        _ = try outcome(of: none, step: "no login", tried: &tried)
        var methods = ssh_userauth_list(handle, nil)
        func offers(_ method: Int32) -> Bool { methods & method != 0 }

        if offers(Int32(SSH_AUTH_METHOD_PUBLICKEY)) && host.allowsPublicKey {
            switch try authenticateWithKeys(tried: &tried) {
            case .accepted: return
            case .partial: methods = ssh_userauth_list(handle, nil)
            case .refused: break
            }
        }
        if offers(Int32(SSH_AUTH_METHOD_INTERACTIVE)) && host.allowsKeyboardInteractive {
            switch try authenticateInteractively(prompter: prompter, tried: &tried) {
            case .accepted: return
            case .partial: methods = ssh_userauth_list(handle, nil)
            case .refused: break
            }
        }
        if offers(Int32(SSH_AUTH_METHOD_PASSWORD)) && host.allowsPassword {
            passwords: for attempt in 0..<3 {
                guard case .text(let password) = prompter.answer(.password(user: host.user, host: displayName), server: serverName) else { break }
                let result = ssh_userauth_password(handle, nil, password)
                switch try outcome(of: result, step: attempt == 0 ? "password" : "password again", tried: &tried) {
                case .accepted: return
                // Nothing comes after a password that Sluice could offer.
                case .partial: break passwords
                case .refused: if attempt == 2 { tried.append("password (refused 3 times)") }
                }
            }
        }
        throw .authenticationFailed(user: host.user, host: displayName, tried: tried)
    }

    enum LoginOutcome {
        case accepted
        /// Accepted, but the server wants another method too.
        case partial
        case refused
    }

    /// What a libssh login call's result means. A failure that leaves the
    /// link up (an agent that would not sign) is one attempt that failed,
    /// not a lost link; the server hanging up during login (too many
    /// attempts) needs the user, not a retry that could lock the account.
    private func outcome(of result: Int32, step: String, tried: inout [String]) throws(SessionError) -> LoginOutcome {
        switch result {
        case SSH_AUTH_SUCCESS.rawValue:
            return .accepted
        case SSH_AUTH_PARTIAL.rawValue:
            tried.append("\(step) (accepted; the server wants another method too)")
            return .partial
        case SSH_AUTH_ERROR.rawValue:
            let reason = TerminalText.sanitized(lastError)
            if isConnected {
                tried.append("\(step) (failed: \(reason))")
                return .refused
            }
            if lastError.hasPrefix("Received SSH_MSG_DISCONNECT") {
                throw .authenticationFailed(user: host.user, host: displayName,
                                            tried: tried + ["\(step), after which \(LibSSHMessage.explain(lastError, host: displayName))"])
            }
            throw .linkLost("while logging in: \(LibSSHMessage.explain(lastError, host: displayName))")
        default:
            return .refused
        }
    }

    /// The agent's keys, then each key file. After a key that was accepted
    /// as one step of several (AuthenticationMethods publickey,publickey),
    /// the keys that follow may make the next step.
    private func authenticateWithKeys(tried: inout [String]) throws(SessionError) -> LoginOutcome {
        var partial = false
        if host.usesAgent, let agent = host.agentSocket ?? ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"], !agent.isEmpty {
            let step = "the agent (\(agent))"
            switch try outcome(of: ssh_userauth_agent(handle, nil), step: step, tried: &tried) {
            case .accepted: return .accepted
            case .partial: partial = true
            case .refused: if !tried.contains(where: { $0.hasPrefix(step) }) { tried.append(step) }
            }
        }
        for path in host.identityFiles {
            guard FileManager.default.fileExists(atPath: path) else {
                if host.namedIdentityFiles.contains(path) { tried.append("\(path) (no such file)") }
                continue
            }
            switch try authenticate(withKeyFile: path, tried: &tried) {
            case .accepted: return .accepted
            case .partial: partial = true
            case .refused: continue
            }
        }
        return partial ? .partial : .refused
    }

    /// Tries one key file. The public half, when it lies beside the key, is
    /// offered first, so no passphrase is asked for a key the server would
    /// refuse anyway. A key the user named that cannot be read (a declined
    /// or wrong passphrase) stops the login: it needs the user.
    private func authenticate(withKeyFile path: String, tried: inout [String]) throws(SessionError) -> LoginOutcome {
        var publicKey: ssh_key?
        if ssh_pki_import_pubkey_file(path.hasSuffix(".pub") ? path : path + ".pub", &publicKey) == SSH_OK, let publicKey {
            let offer = ssh_userauth_try_publickey(handle, nil, publicKey)
            ssh_key_free(publicKey)
            guard try outcome(of: offer, step: path, tried: &tried) == .accepted else {
                if offer == SSH_AUTH_DENIED.rawValue { tried.append("\(path) (refused by the server)") }
                return .refused
            }
        }
        // An IdentityFile naming a public key (as agents such as
        // 1Password suggest) is used only through the agent.
        if path.hasSuffix(".pub") {
            tried.append("\(path) (a public key; only an agent holding its private half can use it)")
            return .refused
        }
        var key: ssh_key?
        passphraseSource.declined = false
        passphraseSource.keyPath = path
        defer { passphraseSource.keyPath = nil }
        let source = Unmanaged.passUnretained(passphraseSource).toOpaque()
        guard ssh_pki_import_privkey_file(path, nil, PassphraseSource.callback, source, &key) == SSH_OK, let key else {
            let reason = passphraseSource.declined ? "it needs a passphrase and none was given" : "wrong passphrase, or not a private key Sluice can read"
            if host.namedIdentityFiles.contains(path) { throw .keyUnusable(path: path, reason: reason) }
            tried.append("\(path) (\(reason))")
            return .refused
        }
        defer { ssh_key_free(key) }
        let result = ssh_userauth_publickey(handle, nil, key)
        let verdict = try outcome(of: result, step: path, tried: &tried)
        if result == SSH_AUTH_DENIED.rawValue { tried.append("\(path) (refused by the server)") }
        return verdict
    }

    private func authenticateInteractively(prompter: any Prompter, tried: inout [String]) throws(SessionError) -> LoginOutcome {
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
                    tried.append("keyboard-interactive (not answered)")
                    return .refused
                }
                for (index, answer) in answers.enumerated() {
                    ssh_userauth_kbdint_setanswer(handle, UInt32(index), answer)
                }
            }
            result = ssh_userauth_kbdint(handle, nil, nil)
        }
        let verdict = try outcome(of: result, step: "keyboard-interactive", tried: &tried)
        if verdict == .refused && result == SSH_AUTH_DENIED.rawValue { tried.append("keyboard-interactive (refused)") }
        return verdict
    }
}
