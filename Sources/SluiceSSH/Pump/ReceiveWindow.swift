import Foundation

/// How far the server may send ahead on one channel: its receive window,
/// tuned as the transfer goes.
///
/// On a long link a forward moves at most one window per round trip, so a
/// fixed 2 MiB window caps a 100 ms link near 20 MB/s whatever the line
/// could carry. The window starts at OpenSSH's 2 MiB and grows fourfold, up
/// to 16 MiB, when the window is what holds the transfer back: the link's
/// round trip (`RoundTripEstimate`) is at least `longLink`, and half a
/// window was delivered to the local socket, with the local side keeping
/// up, within three quarters of a round trip. A sender held by its window
/// delivers one window per round trip, half of it in half of one; a
/// transfer held back by anything else (a slow line, busy CPUs) takes
/// longer, and there a larger window would only make sshd buffer more: on
/// loopback with busy CPUs it spent 2.2 s of CPU per GiB instead of 1
/// moving its buffer around, and the transfer ran at half speed, when the
/// window grew because a window merely arrived slowly. On a short link it
/// stays at 2 MiB, enough for 1 GB/s up to 2 ms. When the local side falls
/// behind the window halves again.
/// Memory stays bounded: bytes are granted only while the local queue is
/// drained, so what waits in memory for a slow reader is at most one
/// window.
///
/// It is raised back to the target once an eighth of it is used (OpenSSH's
/// client keeps its window near full the same way), so nearly a whole
/// window is in flight rather than, on average, three quarters of it.
struct ReceiveWindow: Equatable {
    static let initial = 2 * 1024 * 1024
    static let maximum = 16 * 1024 * 1024

    /// A round trip this long or longer: a window may be worth growing.
    static let longLink: Duration = .milliseconds(4)

    /// A local reader that leaves the socket full this long is slow (see
    /// `readerFellBehind`).
    static let slowReader: Duration = .milliseconds(250)

    /// Silence longer than any round trip: the connection was idle (a
    /// database session between queries), and the time it sat idle says
    /// nothing about the link, so the window starts over.
    static let idle: Duration = .seconds(1)

    /// The window the server gets when it is next raised.
    private(set) var target = ReceiveWindow.initial
    /// Bytes received since the window was last raised. It starts at the
    /// refill mark, so the first turn of relaying raises the window (from
    /// libssh's 64,000 bytes at open): raised later, after the first bytes,
    /// libssh would send a window adjustment of its own, one packet more
    /// per connection.
    private(set) var sinceRaised = ReceiveWindow.initial / 8
    /// Bytes delivered at the current target with the local side keeping
    /// up, and when the first of them came.
    private var sinceTuned = 0
    private var tunedFrom: ContinuousClock.Instant?
    private var lastReceived: ContinuousClock.Instant?

    /// Used enough to be worth a window adjustment.
    var wantsRaise: Bool { sinceRaised >= target / 8 }

    mutating func received(_ count: Int, at time: ContinuousClock.Instant = .now) {
        guard count > 0 else { return }
        if let lastReceived, time - lastReceived > Self.idle {
            target = Self.initial
            sinceTuned = 0
            tunedFrom = nil
        }
        lastReceived = time
        if tunedFrom == nil { tunedFrom = time }
        sinceRaised += count
        sinceTuned += count
    }

    /// The window to raise to at `time`, on a link of `roundTrip` (nil:
    /// not known yet); the local side is keeping up (the caller raises only
    /// then).
    mutating func raise(at time: ContinuousClock.Instant = .now, roundTrip: Duration? = nil) -> Int {
        if sinceTuned >= target / 2 && target < Self.maximum, let tunedFrom {
            if let roundTrip, roundTrip >= Self.longLink, time - tunedFrom <= roundTrip * 3 / 4 {
                target = min(target * 4, Self.maximum)
            }
            // Measured afresh either way: a link's delay shows in each window.
            sinceTuned = 0
            self.tunedFrom = nil
        }
        sinceRaised = 0
        return target
    }

    /// The local side could not take what arrived: less ahead next time.
    mutating func readerFellBehind() {
        target = max(Self.initial, target / 2)
        sinceTuned = 0
        tunedFrom = nil
    }
}
