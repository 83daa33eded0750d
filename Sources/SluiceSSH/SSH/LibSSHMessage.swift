import SluiceCore

/// libssh's error messages, turned into what happened and what to do.
/// Anything they quote from the server is made safe for a terminal.
enum LibSSHMessage {
    /// A failure of an established link (or of a login, a request on it).
    static func explain(_ message: String, host: String) -> String {
        let text = TerminalText.sanitized(message)
        if message.isEmpty || message == "Socket error: disconnected" || message.hasPrefix("Connection correctly closed") {
            return "the server \(host) closed the connection"
        }
        if message.hasPrefix("Received SSH_MSG_DISCONNECT: ") {
            let reason = message.dropFirst("Received SSH_MSG_DISCONNECT: ".count).drop { $0 != ":" }.dropFirst()
            return "the server \(host) hung up: \(TerminalText.sanitized(String(reason)))"
        }
        if message.hasPrefix("Socket error: ") {
            return "the connection to \(host) broke: \(lowercasedFirst(TerminalText.sanitized(String(message.dropFirst("Socket error: ".count)))))"
        }
        if message.hasPrefix("Writing packet: error on socket") {
            return "the connection to \(host) broke while sending (the network, or the server went away)"
        }
        return text
    }

    /// A failure while connecting: the TCP connect, the banner, the key
    /// exchange.
    static func explainConnect(_ message: String) -> String {
        if message.isEmpty || message == "Socket error: disconnected" {
            return "the connection was closed before the SSH handshake finished (is it an SSH server? a firewall, a ProxyCommand or a jump host in between may have cut it)"
        }
        if message.hasSuffix("Connection reset by peer") {
            return "the connection was reset during the SSH handshake (is it an SSH server, on that port? a firewall may be in between)"
        }
        if message.hasPrefix("No version of SSH protocol usable") || message.hasPrefix("Receiving banner") {
            return "it did not answer as an SSH server (\(TerminalText.sanitized(message)))"
        }
        if message.hasPrefix("kex error : no match for method ") {
            return "no algorithm both sides accept (\(TerminalText.sanitized(message.dropFirst("kex error : ".count).description))); "
                + "adjust Ciphers, KexAlgorithms, HostKeyAlgorithms or MACs in your ssh config"
        }
        if message.hasPrefix("Received SSH_MSG_DISCONNECT: ") {
            let reason = message.dropFirst("Received SSH_MSG_DISCONNECT: ".count).drop { $0 != ":" }.dropFirst()
            return "the server hung up: \(TerminalText.sanitized(String(reason)))"
        }
        return lowercasedFirst(TerminalText.sanitized(message.hasPrefix("Socket error: ") ? String(message.dropFirst("Socket error: ".count)) : message))
    }

    private static func lowercasedFirst(_ text: String) -> String {
        text.prefix(1).lowercased() + text.dropFirst()
    }
}
