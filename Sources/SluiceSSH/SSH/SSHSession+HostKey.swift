import CLibSSH
import Foundation
import SluiceCore

extension SSHSession {
    /// Checks the host's key against known_hosts, as OpenSSH does, by
    /// Sluice's policy, whatever the ssh config says: a changed key is
    /// always refused; an unknown key is asked about, or, when the config
    /// says accept-new (or no), saved with a notice.
    func verifyHostKey(prompter: any Prompter) throws(SessionError) {
        let (keyType, fingerprint) = try serverKeyFingerprint()
        let name = host.knownHostsName
        let knownHosts = host.knownHostsFile
        switch ssh_session_is_known_server(handle) {
        case SSH_KNOWN_HOSTS_OK:
            return
        case SSH_KNOWN_HOSTS_CHANGED, SSH_KNOWN_HOSTS_OTHER:
            throw .hostKeyChanged(host: name, keyType: keyType, fingerprint: fingerprint, knownHosts: knownHosts,
                                  line: Self.knownHostsLine(for: name, in: knownHosts))
        case SSH_KNOWN_HOSTS_UNKNOWN, SSH_KNOWN_HOSTS_NOT_FOUND:
            // libssh reads a known_hosts it cannot open as empty: a changed
            // key would then pass for an unknown one.
            if let problem = Self.unreadable(knownHosts) {
                throw .protocolError("cannot read \(knownHosts) to check the host key of \(name): \(problem); fix its permissions")
            }
            if case .acceptNew(let reason) = host.hostKeyPolicy {
                try saveHostKey()
                notices.append("\(role == .jumpHost ? "jump host " : "")\(host.label): trusted on first use: \(keyType) \(fingerprint), saved to \(knownHosts) (\(reason))")
                return
            }
            switch prompter.answer(.unknownHostKey(host: displayName, keyType: keyType, fingerprint: fingerprint), server: serverName) {
            case .acceptHostKeyOnce:
                return
            case .acceptAndSaveHostKey:
                try saveHostKey()
            case .cancelled:
                throw .hostKeyRejected(host: displayName)
            default:
                throw .hostKeyUnknown(host: name, keyType: keyType, fingerprint: fingerprint, knownHosts: knownHosts)
            }
        default:
            throw .protocolError("cannot check \(knownHosts): \(TerminalText.sanitized(lastError))")
        }
    }

    private func saveHostKey() throws(SessionError) {
        let folder = (host.knownHostsFile as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard ssh_session_update_known_hosts(handle) == SSH_OK else {
            throw .protocolError("cannot save the host key to \(host.knownHostsFile): \(TerminalText.sanitized(lastError))")
        }
    }

    /// The key type (e.g. ssh-ed25519) and SHA256 fingerprint, as ssh prints it.
    private func serverKeyFingerprint() throws(SessionError) -> (String, String) {
        var key: ssh_key?
        guard ssh_get_server_publickey(handle, &key) == SSH_OK, let key else {
            throw .protocolError("the server sent no host key")
        }
        defer { ssh_key_free(key) }
        var hash: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == 0, hash != nil else {
            throw .protocolError("cannot hash the server's host key")
        }
        defer { ssh_clean_pubkey_hash(&hash) }
        guard let text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length) else {
            throw .protocolError("cannot print the host key fingerprint")
        }
        defer { ssh_string_free_char(text) }
        let type = ssh_key_type_to_char(ssh_key_type(key)).map { String(cString: $0) } ?? "unknown"
        return (type, String(cString: text))
    }

    /// Why `path` exists but cannot be read, or nil (readable, or absent).
    static func unreadable(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            close(fd)
            return nil
        }
        return errno == ENOENT ? nil : String(cString: strerror(errno))
    }

    /// The 1-based line of a plain (not hashed) known_hosts entry for `host`.
    static func knownHostsLine(for host: String, in path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let names = line.split(separator: " ").first, !names.hasPrefix("#") else { continue }
            if names.split(separator: ",").contains(where: { $0 == host }) { return index + 1 }
        }
        return nil
    }
}
