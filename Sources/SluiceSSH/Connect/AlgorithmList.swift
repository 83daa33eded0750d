import Foundation

/// An ssh config algorithm list (Ciphers, MACs, KexAlgorithms,
/// HostKeyAlgorithms, PubkeyAcceptedAlgorithms) as OpenSSH reads it: a
/// plain list replaces the default; `+a,b` appends to the default, `-a,b`
/// removes from it (wildcards allowed), `^a,b` puts in front of it.
/// libssh 0.10 takes only a plain list (it refuses `+ssh-rsa` outright), so
/// Sluice works the list out against libssh's own defaults first.
enum AlgorithmList {
    /// libssh 0.10.6's defaults (src/kex.c, an OpenSSL build).
    static let defaultKeyExchange = "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
        + "ecdh-sha2-nistp521,diffie-hellman-group18-sha512,diffie-hellman-group16-sha512,"
        + "diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256"
    static let defaultMACs = "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512"
    static let defaultPublicKeyAlgorithms = "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
        + "ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
        + "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,"
        + "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,ecdsa-sha2-nistp256,sk-ssh-ed25519@openssh.com,"
        + "sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"

    /// The plain list `value` stands for, given the default it modifies.
    static func resolve(_ value: String, default defaults: String) -> String {
        let base = names(defaults)
        switch value.first {
        case "+":
            let added = names(String(value.dropFirst()))
            return (base + added.filter { !base.contains($0) }).joined(separator: ",")
        case "-":
            let patterns = names(String(value.dropFirst()))
            return base.filter { name in !patterns.contains { fnmatch($0, name, 0) == 0 } }.joined(separator: ",")
        case "^":
            let first = names(String(value.dropFirst()))
            return (first + base.filter { !first.contains($0) }).joined(separator: ",")
        default:
            return value
        }
    }

    private static func names(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
