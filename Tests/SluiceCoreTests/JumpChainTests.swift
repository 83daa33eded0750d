import SluiceCore
import Testing

@Suite struct JumpChainTests {
    @Test func parsesHopsInOrder() throws {
        let chain = try #require(try JumpChain(parsing: "bastion,ops@inner.example.com:2222,ssh://root@127.0.0.1:2222"))
        #expect(chain.hops == [
            Destination(user: nil, host: "bastion", port: nil),
            Destination(user: "ops", host: "inner.example.com", port: 2222),
            Destination(user: "root", host: "127.0.0.1", port: 2222),
        ])
        #expect(chain.description == "bastion,ops@inner.example.com:2222,root@127.0.0.1:2222")
    }

    @Test func noneIsNoChain() throws {
        #expect(try JumpChain(parsing: "none") == nil)
        #expect(try JumpChain(parsing: "NONE") == nil)
    }

    @Test(arguments: [
        ("", "it is empty"),
        (",", "jump host 1 of 2 is empty"),
        ("a,,b", "jump host 2 of 3 is empty"),
        ("-oProxyCommand=touch X", "a jump host cannot start with '-'"),
        ("a,-J,b", "a jump host cannot start with '-'"),
        ("a,b c", "jump host 2 (b c): it contains a space"),
        ("a,b,c,d,e,f,g,h,i", "more than 8 jump hosts"),
    ])
    func refusesWithTheReason(_ text: String, _ problem: String) {
        #expect(throws: SluiceError.invalidJump(text, problem)) { try JumpChain(parsing: text) }
    }
}
