import Foundation

/// A loopback port where nothing listens, held for the test's lifetime:
/// sockets bound (but not listening) on 127.0.0.1 and ::1 make connections
/// to it refused, and stop tests running alongside from taking the number.
/// A port merely found free could be listened on by another test a moment
/// later, and a "refused" test would then reach that server instead.
public final class ClosedPort: @unchecked Sendable {
    public let port: Int
    private var sockets: [Int32] = []

    public init() throws {
        for _ in 0..<20 {
            let candidate = try LoopbackPort.free()
            if let held = Self.hold(candidate) {
                port = candidate
                sockets = held
                return
            }
        }
        throw TestSupportError("no loopback port could be held on both 127.0.0.1 and ::1")
    }

    deinit {
        sockets.forEach { close($0) }
    }

    private static func hold(_ port: Int) -> [Int32]? {
        var held: [Int32] = []
        var ipv4 = LoopbackPort.address(port: port)
        let fd4 = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        held.append(fd4)
        let bound4 = withUnsafePointer(to: &ipv4) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd4, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        var ipv6 = sockaddr_in6()
        ipv6.sin6_family = sa_family_t(AF_INET6)
        ipv6.sin6_port = in_port_t(UInt16(port).bigEndian)
        ipv6.sin6_addr = in6addr_loopback
        let fd6 = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        held.append(fd6)
        var only: Int32 = 1
        setsockopt(fd6, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &only, socklen_t(MemoryLayout<Int32>.size))
        let bound6 = withUnsafePointer(to: &ipv6) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd6, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 }
        }
        guard bound4, bound6 else {
            held.forEach { close($0) }
            return nil
        }
        return held
    }
}
