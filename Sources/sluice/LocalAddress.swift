import Foundation
import SluiceCore

/// Whether this machine has an address a forward is told to listen on.
enum LocalAddress {
    /// True when `spec` listens on this machine (-L, -D) at an address it
    /// names that this machine does not have.
    static func isAbsent(listening spec: ForwardSpec) -> Bool {
        spec.kind != .reverse && spec.listen.host != nil && !spec.listen.isLoopback && isAbsent(spec.listen.bindAddress)
    }

    /// True when `address` is a numeric IPv4 or IPv6 address that no
    /// interface of this machine has now: binding it (port 0, so that no
    /// port in use gets in the way) fails with EADDRNOTAVAIL. Only that
    /// error counts: the kernel also decides for addresses getifaddrs does
    /// not list (net.ipv4.ip_nonlocal_bind, AnyIP routes), and any other
    /// failure says nothing about the address. Names are not looked up:
    /// saving a forward must not wait on DNS.
    static func isAbsent(_ address: String) -> Bool {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(address, "0", &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if first.pointee.ai_family == AF_INET6 {
            // As the engine binds it: the IPv6 address alone.
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        return bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 && errno == EADDRNOTAVAIL
    }
}
