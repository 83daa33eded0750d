import SluiceCore
import Testing

/// Which bind addresses count as reachable only from this machine.
@Suite struct EndpointTests {
    @Test(arguments: [
        (nil, true), ("localhost", true), ("127.0.0.1", true), ("127.1.2.3", true), ("127.255.255.255", true),
        ("::1", true), ("::ffff:127.0.0.1", true), ("::ffff:127.9.8.7", true), ("0:0:0:0:0:0:0:1", true),
        ("127.evil.example.com", false), ("127..0.1", false), ("127.0.0.1.example.com", false), ("127", false),
        ("128.0.0.1", false), ("0.0.0.0", false), ("*", false), ("", false), ("::", false),
        ("::ffff:128.0.0.1", false), ("::2", false), ("fe80::1%eth0", false), ("db.example.com", false),
    ] as [(String?, Bool)])
    func onlyParsedLoopbackAddressesCount(_ host: String?, _ loopback: Bool) throws {
        #expect(Endpoint(host: host, port: 1080).isLoopback == loopback)
        // The warning follows: a name that only looks like loopback warns.
        let spec = ForwardSpec(kind: .dynamic, listen: Endpoint(host: host, port: 1080), target: nil)
        #expect((spec.exposureWarning == nil) == loopback)
    }
}
