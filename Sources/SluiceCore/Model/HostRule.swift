import Foundation

/// What a host may be: a DNS-style name (ASCII letters, digits, '-', '_'
/// and '.', as ssh config aliases are too), an IPv4 address, or an IPv6
/// address with an optional `%zone`.
///
/// Hosts go to libssh, to the resolver, into messages and onto the screen;
/// a space, a '$', a control or an invisible character in one is a typo or
/// an attack, so it is refused where the host enters Sluice and nothing
/// downstream has to wonder.
public enum HostRule {
    /// The longest DNS name.
    public static let maximumLength = 253

    /// The problem with `host`, worded to follow "the host" (e.g.
    /// "contains '$' ..."), or nil if it is a usable host.
    public static func problem(with host: String) -> String? {
        let bytes = host.utf8
        if bytes.isEmpty { return "is empty" }
        if bytes.count > maximumLength { return "is longer than \(maximumLength) characters" }
        if bytes.first == UInt8(ascii: "-") { return "starts with '-'" }
        if bytes.contains(UInt8(ascii: ":")) { return ipv6Problem(host) }
        if !bytes.allSatisfy(isNameByte), let bad = host.unicodeScalars.first(where: { !$0.isASCII || !isNameByte(UInt8($0.value)) }) {
            return "contains \(describe(bad)); a host is a name of letters, digits, '-', '_' and '.', or an IP address"
        }
        return nil
    }

    /// As `problem(with:)`, for the address a listener binds: also `*` and
    /// the empty string, which mean every interface, as in OpenSSH.
    public static func bindAddressProblem(with address: String) -> String? {
        address.isEmpty || address == "*" ? nil : problem(with: address)
    }

    private static func ipv6Problem(_ host: String) -> String? {
        let parts = host.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        var address = in6_addr()
        guard inet_pton(AF_INET6, String(parts[0]), &address) == 1 else {
            return "is not an IPv6 address (it holds ':'; write IPv4 addresses and names without one)"
        }
        if parts.count == 2 {
            let zone = parts[1]
            if zone.isEmpty { return "has an empty zone after '%'" }
            if let bad = zone.unicodeScalars.first(where: { !$0.isASCII || !isNameByte(UInt8($0.value)) }) {
                return "has \(describe(bad)) in its zone; a zone is an interface name of letters, digits, '-', '_' and '.'"
            }
        }
        return nil
    }

    /// A byte of a DNS-style name: an ASCII letter or digit, '-', '_' or
    /// '.'. Agent project and service names (AgentNameRule) are made of the same.
    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// A character as a message can show it: invisible ones by their code.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        if scalar == " " { return "a space" }
        return "'\(TerminalText.sanitized(String(scalar)))'"
    }
}
