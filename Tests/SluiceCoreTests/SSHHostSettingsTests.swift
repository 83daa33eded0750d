import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// What the engine takes from an ssh config when it connects.
@Suite struct SSHHostSettingsTests {
    @Test func proxyCommandKeepsTheLineAsWrittenAndExcludesProxyJump() throws {
        let config = try SSHConfig(text: """
            Host corp
                ProxyCommand  /usr/bin/nc -X connect -x "proxy:3128" %h %p
                ProxyJump bastion
            Host jumpy
                ProxyJump=a,b
                ProxyCommand nc %h %p
            Host direct
                ProxyJump none
                ProxyCommand nc %h %p
            """, home: "/home/ana")
        let corp = config.settings(for: "corp")
        #expect(corp.proxy == .command("/usr/bin/nc -X connect -x \"proxy:3128\" %h %p", SSHConfigLocation(file: "config", line: 2)))
        #expect(corp.proxyJump == nil)
        #expect(config.settings(for: "jumpy").proxy == .jump("a,b"))
        #expect(config.settings(for: "direct").proxy == nil)
    }

    @Test func everyIdentityFileCountsAndTheFirstOfOtherKeywordsWins() throws {
        let config = try SSHConfig(text: """
            Host db
                IdentityFile ~/.ssh/id_db
                StrictHostKeyChecking accept-new
                UserKnownHostsFile ~/.ssh/known_db /etc/shared_known
                IdentityAgent ~/.agent.sock
                Ciphers chacha20-poly1305@openssh.com
            Host *
                IdentityFile %d/.ssh/id_all
                StrictHostKeyChecking yes
                UserKnownHostsFile /never
                Compression yes
                PasswordAuthentication no
            """, home: "/home/ana")
        let db = config.settings(for: "db")
        #expect(db.identityFiles == ["~/.ssh/id_db", "%d/.ssh/id_all"])
        #expect(db.strictHostKeyChecking == "accept-new")
        #expect(db.userKnownHostsFiles == ["~/.ssh/known_db", "/etc/shared_known"])
        #expect(db.identityAgent == "~/.agent.sock")
        #expect(db.ciphers == "chacha20-poly1305@openssh.com")
        #expect(db.compression == true)
        #expect(db.passwordAuthentication == false)
    }

    @Test func theUsersFileComesFirstAndAHostBlockEndsWithItsFile() throws {
        let folder = try TemporaryDirectory()
        try folder.write("user", "Host db\n    User from-user\n")
        try folder.write("ssh_config.d/extra.conf", "Host db\n    Port 2200\n")
        try folder.write("system", "Include ssh_config.d/*.conf\nUser from-system\nPort 22\nHostName db.example.com\n")
        let config = try SSHConfig(userFile: folder.file("user"), systemFile: folder.file("system"), home: "/nonexistent")
        let db = config.settings(for: "db")
        #expect(db.user == "from-user")
        #expect(db.port == 2200)
        #expect(db.hostName == "db.example.com")
        #expect(config.settings(for: "other").user == "from-system")
    }
}
