import Foundation

/// How far the server may send ahead on one channel: its receive window,
/// tuned as the transfer goes.
///
/// On a long link a forward moves at most one window per round trip, so a
/// fixed 2 MiB window caps a 100 ms link near 20 MB/s whatever the line
/// could carry. The window starts at OpenSSH's 2 MiB and grows fourfold,
/// up to 16 MiB, each time half a window's worth has been delivered to the
/// local socket with the local side keeping up and the data came with a
/// pause in it (so the largest window is reached after two such pauses, a
/// round trip each); when the local side falls behind it halves again.
///
/// The pause is what tells a long link from a short one: a sender held by
/// its window sends a window's worth, then waits a round trip for more. On
/// a short link data flows without pauses, and a larger window would only
/// make sshd buffer more (it then spends twice the CPU per byte moving its
/// buffer around), so the window stays at 2 MiB there. Memory stays bounded: bytes are granted only
/// while the local queue is drained, so what waits in memory for a slow
/// reader is at most one window.
///
/// It is raised back to the target once an eighth of it is used (OpenSSH's
/// client keeps its window near full the same way), so nearly a whole
/// window is in flight rather than, on average, three quarters of it.
struct ReceiveWindow: Equatable {
    static let initial = 2 * 1024 * 1024
    static let maximum = 16 * 1024 * 1024

    /// The window the server gets when it is next raised.
    private(set) var target = ReceiveWindow.initial
    /// Bytes received since the window was last raised. It starts at the
    /// refill mark, so the first turn of relaying raises the window (from
    /// libssh's 64,000 bytes at open): raised later, after the first bytes,
    /// libssh would send a window adjustment of its own, one packet more
    /// per connection.
    private(set) var sinceRaised = ReceiveWindow.initial / 8
    /// Bytes delivered at the current target with the local side keeping up.
    private var sinceTuned = 0
    /// The data paused (see `arrived`) since the target last changed.
    private var pausedSinceTuned = false
    private var lastArrival: ContinuousClock.Instant?

    /// A gap between two arrivals at least this long is a pause: a sender
    /// waiting for window. Longer than a busy machine's scheduling hiccups.
    static let pause: Duration = .milliseconds(10)

    /// A local reader that leaves the socket full this long is slow (see
    /// `readerFellBehind`).
    static let slowReader: Duration = .milliseconds(250)

    /// Used enough to be worth a window adjustment.
    var wantsRaise: Bool { sinceRaised >= target / 8 }

    mutating func received(_ count: Int) {
        sinceRaised += count
        sinceTuned += count
    }

    /// Channel data came at `time`.
    mutating func arrived(at time: ContinuousClock.Instant) {
        if let lastArrival, time - lastArrival >= Self.pause { pausedSinceTuned = true }
        lastArrival = time
    }

    /// The window to raise to now; the local side is keeping up (the caller
    /// raises only then). Half a window delivered at this size with the
    /// reader keeping up, and a pause: the window holds the transfer back,
    /// so it grows.
    mutating func raise() -> Int {
        if sinceTuned >= target / 2 && pausedSinceTuned && target < Self.maximum {
            target = min(target * 4, Self.maximum)
            sinceTuned = 0
            pausedSinceTuned = false
        }
        sinceRaised = 0
        return target
    }

    /// The local side could not take what arrived: less ahead next time.
    mutating func readerFellBehind() {
        target = max(Self.initial, target / 2)
        sinceTuned = 0
        pausedSinceTuned = false
    }
}
