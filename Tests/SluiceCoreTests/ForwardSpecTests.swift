import SluiceCore
import Testing

@Suite struct ForwardSpecTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var kind: ForwardKind
        var text: String
        var listen: Endpoint
        var target: Endpoint?
        var testDescription: String { "\(kind.flag) \(text)" }
    }

    static let valid: [Valid] = [
        Valid(kind: .local, text: "5432:localhost:5432", listen: Endpoint(host: nil, port: 5432), target: Endpoint(host: "localhost", port: 5432)),
        Valid(kind: .local, text: "127.0.0.1:15432:db.internal:5432", listen: Endpoint(host: "127.0.0.1", port: 15432), target: Endpoint(host: "db.internal", port: 5432)),
        Valid(kind: .local, text: "*:8080:web:80", listen: Endpoint(host: "*", port: 8080), target: Endpoint(host: "web", port: 80)),
        Valid(kind: .local, text: ":8080:web:80", listen: Endpoint(host: "", port: 8080), target: Endpoint(host: "web", port: 80)),
        Valid(kind: .local, text: "[::1]:8080:[fe80::1]:80", listen: Endpoint(host: "::1", port: 8080), target: Endpoint(host: "fe80::1", port: 80)),
        Valid(kind: .local, text: "8080:[::1]:80", listen: Endpoint(host: nil, port: 8080), target: Endpoint(host: "::1", port: 80)),
        Valid(kind: .local, text: "1:h:65535", listen: Endpoint(host: nil, port: 1), target: Endpoint(host: "h", port: 65535)),
        Valid(kind: .reverse, text: "8080:127.0.0.1:3000", listen: Endpoint(host: nil, port: 8080), target: Endpoint(host: "127.0.0.1", port: 3000)),
        Valid(kind: .reverse, text: "0:localhost:3000", listen: Endpoint(host: nil, port: 0), target: Endpoint(host: "localhost", port: 3000)),
        Valid(kind: .reverse, text: "0.0.0.0:9000:[::1]:9000", listen: Endpoint(host: "0.0.0.0", port: 9000), target: Endpoint(host: "::1", port: 9000)),
        Valid(kind: .dynamic, text: "1080", listen: Endpoint(host: nil, port: 1080), target: nil),
        Valid(kind: .dynamic, text: "0.0.0.0:1080", listen: Endpoint(host: "0.0.0.0", port: 1080), target: nil),
        Valid(kind: .dynamic, text: "[::1]:1080", listen: Endpoint(host: "::1", port: 1080), target: nil),
        Valid(kind: .dynamic, text: "localhost:1080", listen: Endpoint(host: "localhost", port: 1080), target: nil),
    ]

    @Test(arguments: valid)
    func parsesOpenSSHSyntax(_ case_: Valid) throws {
        let spec = try ForwardSpec(parsing: case_.text, kind: case_.kind)
        #expect(spec.kind == case_.kind)
        #expect(spec.listen == case_.listen)
        #expect(spec.target == case_.target)
    }

    @Test(arguments: valid)
    func printsBackExactlyWhatWasParsed(_ case_: Valid) throws {
        let spec = try ForwardSpec(parsing: case_.text, kind: case_.kind)
        #expect(spec.argument == case_.text)
        #expect(spec.description == "\(case_.kind.flag) \(case_.text)")
        #expect(try ForwardSpec(parsingFlagged: spec.description) == spec)
    }

    @Test func shorthandWithOnePortForwardsTheSamePortOnTheServersLoopback() throws {
        let spec = try ForwardSpec(parsing: "5432", kind: .local)
        #expect(spec == ForwardSpec(kind: .local, listen: Endpoint(host: nil, port: 5432), target: Endpoint(host: "127.0.0.1", port: 5432)))
        #expect(spec.description == "-L 5432:127.0.0.1:5432")
    }

    @Test func shorthandWithTwoPortsMapsLocalToRemote() throws {
        let spec = try ForwardSpec(parsing: "15432:5432", kind: .local)
        #expect(spec.description == "-L 15432:127.0.0.1:5432")
    }

    @Test func flaggedFormsAcceptJoinedAndSpacedArguments() throws {
        #expect(try ForwardSpec(parsingFlagged: "-D1080") == ForwardSpec(parsing: "1080", kind: .dynamic))
        #expect(try ForwardSpec(parsingFlagged: "-R 8080:localhost:80").kind == .reverse)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var kind: ForwardKind
        var text: String
        var problem: String
        var testDescription: String { "\(kind.flag) \(text)" }
    }

    static let invalid: [Invalid] = [
        Invalid(kind: .local, text: "", problem: "the spec is empty"),
        Invalid(kind: .local, text: "99999:localhost:5432", problem: "local port 99999 is out of range (1-65535)"),
        Invalid(kind: .local, text: "0:localhost:5432", problem: "local port 0 is only allowed for -R"),
        Invalid(kind: .local, text: "5432:localhost:0", problem: "target port 0 is only allowed for -R"),
        Invalid(kind: .local, text: "5432:localhost:70000", problem: "target port 70000 is out of range"),
        Invalid(kind: .local, text: "abc:localhost:5432", problem: "'abc' is not a valid local port"),
        Invalid(kind: .local, text: "-1:localhost:5432", problem: "'-1' is not a valid local port"),
        Invalid(kind: .local, text: "5432:localhost:", problem: "it ends with ':'"),
        Invalid(kind: .local, text: "5432::5432", problem: "the target host is empty"),
        Invalid(kind: .local, text: "80:host", problem: "the target port after 'host' is missing"),
        Invalid(kind: .local, text: "8080:/run/app.sock", problem: "Unix socket paths ('/run/app.sock') are not supported"),
        Invalid(kind: .local, text: "::1:8080:localhost:80", problem: "too many ':'; write IPv6 addresses in brackets"),
        Invalid(kind: .local, text: "[::1:8080:localhost:80", problem: "a '[' is not closed by ']'"),
        Invalid(kind: .local, text: "[::1]8080:localhost:80", problem: "expected ':' after ']'"),
        Invalid(kind: .local, text: "[]:8080:localhost:80", problem: "'[]' holds no address"),
        Invalid(kind: .local, text: "5432 :localhost:5432", problem: "it contains a space"),
        Invalid(kind: .reverse, text: "8080", problem: "the target host and port are missing"),
        Invalid(kind: .reverse, text: "8080:3000", problem: "the target port is missing"),
        Invalid(kind: .reverse, text: "70000:localhost:80", problem: "server port 70000 is out of range (0-65535)"),
        Invalid(kind: .dynamic, text: "0", problem: "local port 0 is only allowed for -R"),
        Invalid(kind: .dynamic, text: "1080:localhost:80", problem: "a dynamic forward takes only an optional bind address and a port"),
        Invalid(kind: .dynamic, text: "socks", problem: "'socks' is not a valid local port"),
    ]

    @Test(arguments: invalid)
    func rejectsWithOneLineNamingThePartAtFault(_ case_: Invalid) {
        #expect {
            try ForwardSpec(parsing: case_.text, kind: case_.kind)
        } throws: { error in
            guard let error = error as? ForwardSpecError else { return false }
            let message = error.description
            return error.problem.hasPrefix(case_.problem)
                && message.contains(case_.kind.grammar)
                && !message.contains("\n")
        }
    }

    @Test func flaggedFormWithoutAFlagSaysWhichFlagsExist() {
        #expect(throws: ForwardSpecError(spec: "5432", kind: nil, problem: "expected it to start with -L, -R or -D")) {
            try ForwardSpec(parsingFlagged: "5432")
        }
    }

    @Test func defaultNamesUseKindLetterAndListenPort() throws {
        #expect(try ForwardSpec(parsing: "5432:db:5432", kind: .local).defaultName == "L5432")
        #expect(try ForwardSpec(parsing: "8080:localhost:3000", kind: .reverse).defaultName == "R8080")
        #expect(try ForwardSpec(parsing: "1080", kind: .dynamic).defaultName == "D1080")
    }

    @Test func loopbackIsTheDefaultAndOtherAddressesWarn() throws {
        let plain = try ForwardSpec(parsing: "5432:db:5432", kind: .local)
        #expect(plain.listen.bindAddress == "127.0.0.1")
        #expect(plain.exposureWarning == nil)
        for text in ["*:5432:db:5432", ":5432:db:5432", "0.0.0.0:5432:db:5432", "192.0.2.7:5432:db:5432"] {
            let open = try ForwardSpec(parsing: text, kind: .local)
            #expect(open.exposureWarning?.contains("reachable from your network") == true, "\(text)")
        }
        #expect(try ForwardSpec(parsing: "[::1]:5432:db:5432", kind: .local).exposureWarning == nil)
        #expect(try ForwardSpec(parsing: "localhost:1080", kind: .dynamic).exposureWarning == nil)
        #expect(try ForwardSpec(parsing: "0.0.0.0:80:localhost:80", kind: .reverse).exposureWarning?.contains("GatewayPorts") == true)
    }

    @Test func routesSayWhereToConnectAndWhereItGoes() throws {
        #expect(try ForwardSpec(parsing: "5432:db:5432", kind: .local).route == "127.0.0.1:5432 -> db:5432")
        #expect(try ForwardSpec(parsing: "1080", kind: .dynamic).route == "SOCKS5 on 127.0.0.1:1080")
        #expect(try ForwardSpec(parsing: "0:localhost:3000", kind: .reverse).route == "server 127.0.0.1:(server picks) -> localhost:3000")
        #expect(try ForwardSpec(parsing: "[::1]:8080:[::1]:80", kind: .local).route == "[::1]:8080 -> [::1]:80")
    }
}
