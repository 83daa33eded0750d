import Foundation

/// The server-to-client half of a connection: channel data arriving in
/// libssh's callbacks, queued and written to the local socket, the
/// server's window kept open, and the server's EOF and close passed on.
extension Connection {
    /// Bytes from the server wait to be written to the local socket.
    var hasQueuedDown: Bool { phase == .relaying && !down.isEmpty }

    /// Writes what the server's packets brought; called by the loop after
    /// each batch of packets, outside any libssh callback.
    func sendQueued() {
        guard hasQueuedDown else { return }
        flushDown()
        drainHeldChannelData()
    }

    func flushDown() {
        var failed = false
        var blocked = false
        down.consume { bytes in
            switch socket.send(bytes) {
            case .sent(let count): return count
            case .wouldBlock: blocked = true; return 0
            case .failed: failed = true; return 0
            }
        }
        // The local socket stays full while libssh holds more: the reader,
        // not the window, holds the transfer back. A burst of a whole
        // window fills the socket for a moment even for a fast reader; only
        // a reader behind for longer than `ReceiveWindow.slowReader` is slow.
        if blocked && libsshHolding {
            let now = ContinuousClock.now
            if let since = downBlockedSince {
                if now - since >= ReceiveWindow.slowReader {
                    window.readerFellBehind()
                    downBlockedSince = now
                }
            } else {
                downBlockedSince = now
            }
        } else {
            downBlockedSince = nil
        }
        if failed {
            finish(because: nil)
            return
        }
        shutLocalWriteIfDone()
    }

    /// True when the server's window should be raised back to its target
    /// (`ReceiveWindow`): an eighth of it is used, and the local client
    /// keeps up (a slow client is granted nothing more, so less piles up).
    var wantsWindowGrown: Bool {
        phase == .relaying && !remoteEOF && window.wantsRaise && !libsshHolding && down.count < Self.downSoftLimit
    }

    /// Raises the server's window; called by the loop outside any libssh
    /// callback. `scratch` (shared by the loop's connections, at least
    /// `ReceiveWindow.maximum` long) takes what libssh hands back in the
    /// same call, usually nothing; that joins the down queue, which has
    /// room: it holds less than `downSoftLimit` of its `downCapacity`.
    /// `roundTrip` is the link's, if known (see `ReceiveWindow.raise`).
    func growWindow(scratch: UnsafeMutableRawBufferPointer, roundTrip: Duration?) {
        guard wantsWindowGrown, let channel else { return }
        let size = window.raise(roundTrip: roundTrip)
        // A window grown on a long link comes back in bursts of up to a
        // window: the queue keeps its storage between them.
        down.keepsStorage = size > ReceiveWindow.initial
        draining = true
        let count = channel.growWindow(to: size, takingHeldBytesInto: scratch)
        draining = false
        if count < 0 {
            finish(because: nil)
            return
        }
        let queued = down.append(UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
        precondition(queued == count, "the down queue had no room for held bytes")
        forward.status.bytesIn += UInt64(count)
        bytesIn += UInt64(count)
        window.received(count)
        // A full read may have left more behind; the drain takes it.
        libsshHolding = count == size
        flushDown()
    }

    /// Pulls data libssh kept back while the down queue was full.
    ///
    /// Only once the queue is nearly empty, and then everything libssh
    /// holds (at most one window): every read lets libssh refill the
    /// server's window (up to 1.28 MB) whatever it still buffers, so reading
    /// a little at a time from a large backlog would let it grow without
    /// bound while a slow client reads.
    ///
    /// A read can re-enter `channelReceived`: when libssh's buffer is empty
    /// it reads the socket and hands new packets to the callback. The
    /// callback then takes nothing (see `draining`), so new bytes stay behind
    /// the held ones in libssh and the read returns them in order.
    func drainHeldChannelData() {
        guard libsshHolding, let channel, phase == .relaying, down.count < Self.downSoftLimit else { return }
        while down.freeSpace > 0 {
            // Straight into the queue: the callback re-entered meanwhile
            // touches only `libsshHolding`, never the queue.
            var offered = 0
            var failed = false
            draining = true
            let count = down.append(upTo: 256 * 1024) { buffer in
                offered = buffer.count
                let read = channel.read(into: buffer)
                if read < 0 { failed = true; return 0 }
                return read
            }
            draining = false
            if failed {
                finish(because: nil)
                return
            }
            forward.status.bytesIn += UInt64(count)
            bytesIn += UInt64(count)
            window.received(count)
            if count < offered {
                libsshHolding = false
                break
            }
        }
        // Also lets an EOF that waited behind the held data reach the client.
        flushDown()
    }

    func shutLocalWriteIfDone() {
        if remoteEOF && down.isEmpty && !libsshHolding && !shutLocalWrite && phase == .relaying {
            socket.shutdownWrite()
            shutLocalWrite = true
        }
        finishIfDone()
    }

    // MARK: - Channel events (inside libssh calls)

    func channelReceived(_ bytes: UnsafeRawBufferPointer) -> Int {
        // A finished connection drops what still arrives; until relaying
        // starts (a -R socket still connecting) data waits in the queue.
        guard phase != .finished else { return bytes.count }
        if draining {
            libsshHolding = true
            return 0
        }
        // Queued, not sent: the loop sends what a whole batch of packets
        // brought in one send() (see `sendQueued`), not one per packet.
        var taken = 0
        if down.count < Self.downSoftLimit {
            let room = Self.downSoftLimit - down.count
            taken = down.append(UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, room)]))
        }
        forward.status.bytesIn += UInt64(taken)
        bytesIn += UInt64(taken)
        window.received(taken)
        libsshHolding = taken < bytes.count
        return taken
    }

    // While `draining`, a read from libssh is filling the down queue: the
    // EOF or close it may bring is only noted, and acted on once the read
    // is done (drainHeldChannelData and growWindow end with flushDown).
    // Looking at the queue here would overlap that access, which Swift
    // stops the process for.

    func channelReceivedEOF() {
        remoteEOF = true
        if !draining { shutLocalWriteIfDone() }
    }

    func channelClosed() {
        remoteClosed = true
        remoteEOF = true
        if !draining { shutLocalWriteIfDone() }
    }
}
