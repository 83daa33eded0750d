import CLibSSH
import Foundation
import SluiceCore

extension SSHSession {
    /// Asks the server to listen on `address:port` (port 0: it picks) and
    /// returns the port it listens on. Blocking, with the connect timeout.
    func listenForward(address: String, port: Int) throws(SessionError) -> Int {
        try blocking { () throws(SessionError) -> Int in
            clearGlobalRequestState()
            var bound: Int32 = 0
            let asked = ContinuousClock.now
            let result = ssh_channel_listen_forward(handle, address, Int32(port), &bound)
            if result == SSH_OK { roundTrip.add(.now - asked) }
            guard result == SSH_OK else {
                if !isConnected { throw .linkLost(lastError) }
                throw .forwardRefused("the server would not listen on \(address):\(port == 0 ? "(any port)" : String(port)): "
                    + "the port is taken there, or its sshd does not allow remote forwarding (AllowTcpForwarding)")
            }
            return port == 0 ? Int(bound) : port
        }
    }

    func cancelForward(address: String, port: Int) {
        _ = try? blocking { () throws(SessionError) in
            clearGlobalRequestState()
            ssh_channel_cancel_forward(handle, address, Int32(port))
        }
    }

    /// libssh keeps one global-request state per session, shared by
    /// keepalives and forward requests; an unanswered or uncollected
    /// keepalive would make the next request return its stale answer
    /// without being sent. A blocking keepalive collects whatever is
    /// outstanding and leaves the state clear.
    /// Times one keepalive, which the server answers at once: the link's
    /// round trip with nothing else in it (see `RoundTripEstimate`; an
    /// open's answer also holds the server's connecting to the target).
    /// Blocking, so the link's setup waits one round trip more.
    func measureRoundTrip() {
        _ = try? blocking { () throws(SessionError) in
            let packets = packetsReceived
            let asked = ContinuousClock.now
            _ = ssh_send_keepalive(handle)
            // libssh reports no error for it: an answer is a packet received.
            if isConnected && packetsReceived > packets { roundTrip.add(.now - asked) }
        }
    }

    private func clearGlobalRequestState() {
        _ = ssh_send_keepalive(handle)
    }

    /// A connection the server opened for one of our remote forwards, with
    /// where the server says it came from ("host:port", nil if it did not
    /// say), or nil when none is waiting. Never waits.
    func acceptForwardedChannel() -> (channel: SSHChannel, port: Int, origin: String?)? {
        var port: Int32 = 0
        var originHost: UnsafeMutablePointer<CChar>?
        var originPort: Int32 = 0
        guard let channel = ssh_channel_open_forward_port(handle, 0, &port, &originHost, &originPort) else { return nil }
        // libssh hands over a copy of the server's text, ours to free.
        defer { ssh_string_free_char(originHost) }
        let host = originHost.map { TerminalText.sanitized(String(cString: $0)) } ?? ""
        let origin = host.isEmpty ? nil : "\(Endpoint.bracketed(host)):\(originPort)"
        return (SSHChannel(handle: channel, session: handle), Int(port), origin)
    }

    /// TCP-level help for noticing a dead link: keepalive probes on an idle
    /// socket, and a cap on how long sent data may go unacknowledged.
    func tuneSocket(_ tuning: LinkTuning) {
        let fd = self.fd
        guard fd >= 0 else { return }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
        // Clamped: the kernel takes 32-bit values, and no input may trap.
        var idle = Int32(clamping: Int(min(max(1, tuning.keepaliveInterval), 32767)))
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, &idle, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, &idle, socklen_t(MemoryLayout<Int32>.size))
        var count = Int32(clamping: min(max(1, tuning.keepaliveCountMax), 127))
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, &count, socklen_t(MemoryLayout<Int32>.size))
        var userTimeout = UInt32(clamping: Int(min(max(1, tuning.deadLinkBound), 86_400 * 7) * 1000))
        setsockopt(fd, Int32(IPPROTO_TCP), Int32(TCP_USER_TIMEOUT), &userTimeout, socklen_t(MemoryLayout<UInt32>.size))
    }
}
