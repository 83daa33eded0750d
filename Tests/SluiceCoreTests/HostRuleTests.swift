import SluiceCore
import Testing

/// What hosts, bind addresses, user names, names and key paths may hold.
@Suite struct HostRuleTests {
    @Test(arguments: [
        "db", "db.example.com", "DB-01.example.com.", "build_box", "10.0.0.5", "127.0.0.1",
        "::1", "fe80::1%eth0", "fe80::1%enp0s3.100", "::ffff:127.0.0.1", "2001:db8::2:1",
        String(repeating: "a", count: 253),
    ])
    func acceptsNamesAndAddresses(_ host: String) {
        #expect(HostRule.problem(with: host) == nil)
    }

    @Test(arguments: [
        ("", "is empty"),
        (String(repeating: "a", count: 254), "is longer than 253 characters"),
        ("-oProxyCommand=touch_X", "starts with '-'"),
        ("b$(touch", "contains '$'; a host is a name of letters, digits, '-', '_' and '.', or an IP address"),
        ("a b", "contains a space; a host is a name"),
        ("local\u{0}host", "contains '^@'"),
        ("evil\u{1B}]2;x", "contains '^['"),
        ("de\u{7F}l", "contains '^?'"),
        ("zero\u{200B}width", "contains '<U+200B>'"),
        ("rlo\u{202E}moc.example", "contains '<U+202E>'"),
        ("bücher.example", "contains 'ü'"),
        ("host:22:33", "is not an IPv6 address"),
        (":::", "is not an IPv6 address"),
        ("fe80::1%", "has an empty zone after '%'"),
        ("fe80::1%eth0;id", "has ';' in its zone"),
        ("fe80::1%\u{1B}", "has '^[' in its zone"),
    ])
    func refusesEverythingElseSayingWhatIsWrong(_ host: String, _ problem: String) {
        let found = HostRule.problem(with: host)
        #expect(found?.hasPrefix(problem) == true, "\(String(describing: found))")
    }

    @Test func bindAddressesAlsoTakeEveryInterface() {
        #expect(HostRule.bindAddressProblem(with: "*") == nil)
        #expect(HostRule.bindAddressProblem(with: "") == nil)
        #expect(HostRule.bindAddressProblem(with: "0.0.0.0") == nil)
        #expect(HostRule.bindAddressProblem(with: "**") != nil)
        #expect(HostRule.problem(with: "*") != nil)
    }

    @Test(arguments: [("me", nil), ("me@corp", nil), ("first.last", nil), ("ünïcode", nil),
                      ("-oProxyCommand", "starts with '-'"), ("a b", "contains a space"),
                      ("x\u{1B}", "contains '^['"), ("x\u{202E}", "contains '<U+202E>'"), ("x\u{85}", "contains '<U+0085>'"),
                      (String(repeating: "u", count: 65), "is longer than 64 characters")] as [(String, String?)])
    func userNames(_ user: String, _ problem: String?) {
        #expect(UserNameRule.problem(with: user) == problem)
    }

    @Test(arguments: [("db", nil), ("café", nil),
                      ("a\u{1B}b", "it contains a space or a control character"),
                      ("a\u{9B}b", "it contains '<U+009B>', an invisible or direction-changing character"),
                      ("a\u{202E}b", "it contains '<U+202E>', an invisible or direction-changing character"),
                      ("a\u{200B}b", "it contains '<U+200B>', an invisible or direction-changing character"),
                      ("a\u{2066}b", "it contains '<U+2066>', an invisible or direction-changing character")] as [(String, String?)])
    func namesRefuseInvisibleAndReorderingCharacters(_ name: String, _ problem: String?) {
        #expect(NameRule.problem(with: name) == problem)
    }

    @Test func identityFilesRefuseOnlyWhatHides() {
        #expect(Server.identityFileProblem("~/.ssh/id_ed25519") == nil)
        #expect(Server.identityFileProblem("/home/ann/My Keys/id ed25519") == nil)
        #expect(Server.identityFileProblem("") == "is empty")
        #expect(Server.identityFileProblem("~/.ssh/\u{1B}[2Jkey") == "contains '^[', an invisible or control character")
        #expect(Server.identityFileProblem("~/.ssh/key\u{202E}") == "contains '<U+202E>', an invisible or control character")
    }

    @Test(arguments: [
        ("b$(touch X)", "it contains a space"),
        ("b$(touchX)", "the host contains '$'"),
        ("-oProxyCommand=touchX", "the host starts with '-'"),
        ("root@-oProxyCommand=x", "the host starts with '-'"),
        ("-l@host", "the user name starts with '-'"),
        ("ssh://ssh://u@h", "the user name contains '/'"),
        ("ev\u{1B}il@host", "the user name contains '^['"),
        ("host\u{202E}", "the host contains '<U+202E>'"),
        ("local\u{0}host", "the host contains '^@'"),
    ])
    func destinationsGoThroughTheRules(_ text: String, _ problem: String) {
        #expect {
            try Destination(parsing: text)
        } throws: { error in
            guard case let SluiceError.invalidDestination(_, found) = error else { return false }
            return found.hasPrefix(problem)
        }
        #expect(Destination(user: nil, host: "b$(x)", port: nil).problem() != nil)
        #expect(Destination(user: nil, host: "db", port: 0).problem() == "port 0 is out of range (1-65535)")
    }

    @Test(arguments: [
        (ForwardKind.local, "5432:ev\u{1B}il:5432", "the target host contains '^['"),
        (.local, "5432:$(touch_X):5432", "the target host contains '$'"),
        (.local, "b\u{202E}d:5432:db:5432", "the bind address contains '<U+202E>'"),
        (.dynamic, "-x:1080", "the bind address starts with '-'"),
        (.reverse, "8080:[fe80::1%a;b]:80", "the target host has ';' in its zone"),
    ])
    func forwardHostsGoThroughTheRules(_ kind: ForwardKind, _ text: String, _ problem: String) {
        #expect {
            try ForwardSpec(parsing: text, kind: kind)
        } throws: { error in
            (error as? ForwardSpecError)?.problem.hasPrefix(problem) == true
        }
    }

    @Test func serversGoThroughTheRulesOnEveryWayIn() throws {
        var document = StoreDocument()
        let good = Destination(user: nil, host: "db", port: nil)
        #expect(throws: SluiceError.self) { try document.addServer(Server(name: "a", destination: Destination(user: nil, host: "x y", port: nil))) }
        #expect(throws: SluiceError.self) { try document.addServer(Server(name: "a", destination: good, identityFile: "k\u{1B}")) }
        #expect(throws: SluiceError.invalidJump("b$(x)", "the host contains '$'; a host is a name of letters, digits, '-', '_' and '.', or an IP address")) {
            try document.addServer(Server(name: "a", destination: good, jumpHost: "b$(x)"))
        }
        #expect(throws: SluiceError.self) { try document.addServer(Server(name: "a", destination: good, jumpHost: "none")) }
        try document.addServer(Server(name: "a", destination: good, jumpHost: "bastion,ops@inner:2222"))
        #expect(throws: SluiceError.self) { try document.editServer(named: "a", to: Server(name: "a", destination: good, jumpHost: "-J")) }
        #expect(document.servers.count == 1)
    }
}
