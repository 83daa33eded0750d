import Foundation

/// The -D side of a connection: reading the SOCKS request, answering it,
/// and mapping the server's refusals to SOCKS reply codes.
extension Connection {
    func readSOCKS(session: SSHSession) {
        var chunk = [UInt8](repeating: 0, count: 1024)
        let result = chunk.withUnsafeMutableBytes { socket.read(into: $0) }
        switch result {
        case .data(let count):
            socksBytes += chunk[0..<count]
        case .wouldBlock:
            return
        case .endOfFile, .failed:
            finish(because: nil)
            return
        }
        guard var handshake = socks else { return }
        while true {
            let step = handshake.advance(socksBytes)
            socks = handshake
            switch step {
            case .needMore:
                if socksBytes.count > 4096 { finish(because: "a SOCKS request longer than 4 KiB") }
                return
            case let .reply(bytes, consumed):
                socksBytes.removeFirst(consumed)
                sendSmall(bytes)
            case let .connect(host, port, consumed):
                // Bytes the client sent right after its request belong to
                // the stream, ahead of anything read while the channel opens.
                socksBytes.removeFirst(consumed)
                queueForServer(socksBytes)
                socksBytes = []
                startOpening(session: session, host: host, port: port)
                return
            case let .reject(bytes, reason):
                sendSmall(bytes)
                finish(because: "a SOCKS client asked for something not served: \(reason)")
                return
            }
        }
    }

    /// True until the client has named its target.
    var isAwaitingSOCKSRequest: Bool { phase == .socksHandshake }

    /// Why a client that took too long to name its target is closed.
    func socksTimeoutReason(after seconds: TimeInterval) -> String {
        let limit = "\(Int(seconds.rounded(.up))) s"
        if socksBytes.isEmpty && socks?.hasBegun == false {
            return "a client of the SOCKS port sent nothing for \(limit) after connecting, and was closed (a SOCKS client speaks first)"
        }
        return "a SOCKS client did not finish its request within \(limit), and was closed"
    }

    /// Handshake replies are a few bytes on a fresh socket; they fit.
    func sendSmall(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        _ = bytes.withUnsafeBytes { socket.send($0) }
    }

    static func socksReply(for failure: ChannelOpenFailure) -> SOCKSHandshake.Reply5 {
        switch failure.code {
        case 1: return .notAllowed
        case 2:
            let message = failure.serverMessage.lowercased()
            if message.contains("refused") { return .connectionRefused }
            if message.contains("network") { return .networkUnreachable }
            return .hostUnreachable
        default: return .generalFailure
        }
    }
}
