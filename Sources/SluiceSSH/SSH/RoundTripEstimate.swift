import Foundation

/// How long the link to a server takes there and back, as the engine sees
/// it: the quickest answer the server has given to a request of ours (a
/// channel open, a remote forward) on this session.
///
/// The kernel's own figure (TCP_INFO) names only the first hop: through a
/// jump host or a ProxyCommand the session's socket is a socket pair, and
/// behind a TCP relay it is the relay's round trip. An answer at the SSH
/// layer crosses every hop. An open's answer also includes the server
/// connecting to the target, so the quickest one seen is taken: a figure
/// too high would only let windows grow where the link alone did not ask.
struct RoundTripEstimate: Equatable {
    private(set) var quickest: Duration?

    mutating func add(_ sample: Duration) {
        guard sample > .zero else { return }
        quickest = min(quickest ?? sample, sample)
    }
}
