import SluiceAgent
import Testing

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("127.0.0.1:9090", "127.0.0.1", 9090, true), ("9091", "127.0.0.1", 9091, true), ("[::1]:0", "::1", 0, true),
        ("localhost:80", "localhost", 80, true), ("127.3.4.5:1", "127.3.4.5", 1, true), ("[::ffff:127.0.0.1]:1", "::ffff:127.0.0.1", 1, true),
        ("0.0.0.0:9090", "0.0.0.0", 9090, false), (":9090", "0.0.0.0", 9090, false), ("[::]:9090", "::", 9090, false),
        ("10.0.0.5:9090", "10.0.0.5", 9090, false), ("node1.example:9090", "node1.example", 9090, false),
    ])
    func addressesAndWhetherOthersCanReachThem(_ text: String, _ host: String, _ port: Int, _ loopback: Bool) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host && address.port == port)
        #expect(address.isLoopback == loopback)
    }

    @Test(arguments: ["", "127.0.0.1", "127.0.0.1:65536", "127.0.0.1:-1", "::1:80", "[::1]80", "a b:80", "127.0.0.1:9o"])
    func malformedAddressesAreRefused(_ text: String) {
        #expect(throws: AgentError.self) { try ListenAddress(parsing: text) }
    }

    @Test func shownAsTyped() throws {
        #expect(try ListenAddress(parsing: "[::1]:80").description == "[::1]:80")
        #expect(try ListenAddress(parsing: "80").description == "127.0.0.1:80")
    }
}
