import Foundation
import SluiceCore
@testable import SluiceSSH
import Testing

/// How a server is reached, worked out from the store and the ssh config
/// as values, without a network.
@Suite struct ConnectionPlannerTests {
    func plan(_ config: String, destination: String, jump: String? = nil, identity: String? = nil) throws -> ConnectionPlan {
        let settings = SessionSettings(serverName: "db", destination: try Destination(parsing: destination), identityFile: identity,
                                       jumpHost: jump, home: "/home/ana")
        let planner = ConnectionPlanner(settings: settings, config: try SSHConfig(text: config, home: "/home/ana"),
                                        localUser: "ana", uid: 1000, localHostName: "laptop")
        return try planner.plan()
    }

    @Test func aDirectHostTakesEverythingFromItsConfigEntry() throws {
        let result = try plan("""
            Host db
                HostName db.internal
                Port 2222
                User deploy
                IdentityFile ~/.ssh/id_%r
                UserKnownHostsFile %d/.ssh/known_%h
            """, destination: "db")
        #expect(result.hops.isEmpty && result.firstLeg == .direct && result.route == nil)
        let host = result.target
        #expect(host.hostName == "db.internal" && host.port == 2222 && host.user == "deploy")
        #expect(host.identityFiles == ["/home/ana/.ssh/id_deploy"])
        #expect(host.knownHostsFile == "/home/ana/.ssh/known_db.internal")
        #expect(host.hostKeyPolicy == .ask)
    }

    @Test func withoutANamedKeyTheDefaultsAreTriedAndTheStoresKeyComesFirst() throws {
        #expect(try plan("", destination: "db").target.identityFiles == ["/home/ana/.ssh/id_ed25519", "/home/ana/.ssh/id_ecdsa", "/home/ana/.ssh/id_rsa"])
        let named = try plan("Host db\n    IdentityFile ~/.ssh/id_config\n", destination: "db", identity: "~/keys/db")
        #expect(named.target.identityFiles == ["/home/ana/keys/db", "/home/ana/.ssh/id_config"])
        #expect(named.target.namedIdentityFiles == ["/home/ana/keys/db", "/home/ana/.ssh/id_config"])
    }

    @Test func theFirstJumpHostsOwnProxyJumpComesInFront() throws {
        let result = try plan("""
            Host db
                ProxyJump inner
            Host inner
                ProxyJump outer
                User ops
            Host outer
                HostName 10.0.0.1
            """, destination: "db")
        #expect(result.hops.map(\.label) == ["outer", "inner"])
        #expect(result.hops.map(\.hostName) == ["10.0.0.1", "inner"])
        #expect(result.hops[1].user == "ops")
        #expect(result.route == "via outer, inner")
    }

    @Test func aJumpGivenToSluiceWinsOverTheConfig() throws {
        let result = try plan("Host db\n    ProxyCommand nc %h %p\n", destination: "db", jump: "root@bastion:2200")
        #expect(result.firstLeg == .direct)
        #expect(result.hops.map(\.label) == ["root@bastion:2200"])
        #expect(result.hops[0].port == 2200 && result.hops[0].user == "root")
    }

    @Test func aProxyCommandHasItsTokensFilledIn() throws {
        let result = try plan("Host db\n    HostName db.internal\n    User deploy\n    ProxyCommand connect -H proxy:3128 %h %p %r %n %%\n", destination: "db")
        #expect(result.firstLeg == .proxyCommand("connect -H proxy:3128 db.internal 22 deploy db %", at: SSHConfigLocation(file: "config", line: 4)))
        #expect(result.route == "via ProxyCommand")
    }

    @Test func aProxyJumpLoopIsRefused() throws {
        #expect(throws: SessionError.self) {
            try plan("Host a\n    ProxyJump b\nHost b\n    ProxyJump a\n", destination: "db", jump: "a")
        }
    }

    @Test(arguments: [
        ("Host db\n    HostName db;reboot\n", "the ssh config gives db the HostName 'db;reboot', which is not a host name or address"),
        ("Host db\n    IdentityFile ~/.ssh/%C\n", "IdentityFile '~/.ssh/%C' for db uses %C, which Sluice does not expand; write the path out"),
        ("Host db\n    User $(id)\n    ProxyCommand nc %h %p\n",
         "config:3: the ProxyCommand for db would get a user or host name with characters a shell treats specially; Sluice will not run it"),
    ])
    func whatCannotBeUsedIsRefusedNamingIt(_ config: String, _ message: String) throws {
        #expect(throws: SessionError.badConfig(message)) { try plan(config, destination: "db") }
    }

    @Test func acceptNewAndNoAreOnlyEverAcceptNew() {
        #expect(ConnectionPlanner.policy("accept-new") == .acceptNew(reason: "StrictHostKeyChecking accept-new in the ssh config"))
        #expect(ConnectionPlanner.policy("no") == .acceptNew(reason: "StrictHostKeyChecking no in the ssh config"))
        #expect(ConnectionPlanner.policy("yes") == .ask)
        #expect(ConnectionPlanner.policy("ask") == .ask)
        #expect(ConnectionPlanner.policy(nil) == .ask)
    }
}

extension ConnectionPlannerTests {
    @Test func algorithmListsAreWorkedOutAgainstTheDefault() {
        let base = "a,b-1,b-2,c"
        #expect(AlgorithmList.resolve("x,y", default: base) == "x,y")
        #expect(AlgorithmList.resolve("+x,a", default: base) == "a,b-1,b-2,c,x")
        #expect(AlgorithmList.resolve("-b-*,c", default: base) == "a")
        #expect(AlgorithmList.resolve("^c,x", default: base) == "c,x,a,b-1,b-2")
    }
}
