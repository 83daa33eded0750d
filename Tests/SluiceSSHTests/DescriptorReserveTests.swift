import Foundation
@testable import SluiceSSH
import Testing

/// The descriptors kept free for what cannot wait, with a limit of 192
/// (a reserve of 24) and the process's free descriptors played by hand.
@Suite struct DescriptorReserveTests {
    /// The lowest free descriptor, as the reserve will see it.
    final class FreeDescriptors: @unchecked Sendable {
        var lowest: Int32 = 3
    }
    let free = FreeDescriptors()
    let reserve: DescriptorReserve
    let listener: Int32 = 3

    init() {
        let free = self.free
        reserve = DescriptorReserve(limit: 192, lowestFree: { _ in free.lowest })
    }

    /// Accepts until the reserve says to stop, as a listener's loop does;
    /// the descriptors accepted.
    func acceptUntilPaused() -> [Int] {
        var taken: [Int] = []
        while reserve.pauseBeforeAccepting(onDescriptor: listener) == nil {
            let fd = Int(free.lowest)
            reserve.accepted(descriptor: fd)
            taken.append(fd)
            free.lowest += 1
        }
        return taken
    }

    @Test func acceptingStopsAtTheReservesEdge() {
        #expect(reserve.size == 24)
        let taken = acceptUntilPaused()
        // Descriptors 168 to 191 are the reserve: 167 is the last accepted.
        #expect(taken.last == 167)
        #expect(reserve.pauseBeforeAccepting(onDescriptor: listener) == .outOfDescriptors(open: 168, limit: 192))
    }

    @Test func aConnectionClosedLowDownLetsOneInAndNoMore() {
        _ = acceptUntilPaused()
        // 30 times over, a connection far below closes (fd 10) and a
        // waiting client takes its place: the reserve stays whole.
        for _ in 0..<30 {
            let highest = free.lowest
            free.lowest = 10
            reserve.released()
            #expect(reserve.pauseBeforeAccepting(onDescriptor: listener) == nil, "the free descriptor is taken")
            reserve.accepted(descriptor: 10)
            free.lowest = highest
            #expect(reserve.pauseBeforeAccepting(onDescriptor: listener) != nil, "no accept past the reserve's edge")
        }
        #expect(free.lowest == 168)
    }

    @Test func farFromTheLimitNothingIsChecked() {
        free.lowest = -1
        // A failing look would pause; far from the limit, none is taken.
        #expect(reserve.pauseBeforeAccepting(onDescriptor: listener) == nil)
    }
}
