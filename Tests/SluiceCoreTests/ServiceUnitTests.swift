import Foundation
import SluiceCore
import Testing

@Suite struct ServiceUnitTests {
    @Test func runsSluiceUpAndRestartsItOnFailure() {
        let text = ServiceUnit(executable: "/usr/local/bin/sluice", store: nil).text
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("ExecStart=/usr/local/bin/sluice up"))
        for setting in ["After=network-online.target", "Wants=network-online.target", "Type=simple", "Restart=on-failure",
                        "RestartSec=5", "RestartPreventExitStatus=64 65 75", "KillSignal=SIGTERM", "TimeoutStopSec=20", "NoNewPrivileges=yes", "WantedBy=default.target"] {
            #expect(lines.contains(setting), "\(setting)")
        }
        #expect(!lines.contains { $0.hasPrefix("ProtectHome=") }, "would hide ~/.ssh")
        #expect(text.hasSuffix("\n"))
    }

    @Test func namesTheStoreOnlyWhenGivenOne() {
        let text = ServiceUnit(executable: "/bin/sluice", store: "/srv/my forwards/100%.json").text
        #expect(text.contains(#"ExecStart=/bin/sluice up --store "/srv/my forwards/100%%.json""# + "\n"))
    }

    @Test func liveInTheUsersConfigFolder() {
        #expect(ServiceUnit.folder(environment: ["HOME": "/home/me"]) == "/home/me/.config/systemd/user")
        #expect(ServiceUnit.folder(environment: ["HOME": "/home/me", "XDG_CONFIG_HOME": "/cfg"]) == "/cfg/systemd/user")
        #expect(ServiceUnit.folder(environment: ["HOME": "/home/me", "XDG_CONFIG_HOME": "relative"]) == "/home/me/.config/systemd/user")
    }

    @Test func relativeStorePathsBecomeAbsolute() {
        #expect(ServiceUnit.absolute("s.json", from: "/home/me") == "/home/me/s.json")
        #expect(ServiceUnit.absolute("./a//b/./s.json", from: "/home/me/") == "/home/me/a/b/s.json")
        #expect(ServiceUnit.absolute("../s.json", from: "/home/me") == "/home/me/../s.json")
        #expect(ServiceUnit.absolute("/etc/s.json", from: "/home/me") == "/etc/s.json")
    }

    @Test func findsTheFirstLineThatDiffers() throws {
        let unit = ServiceUnit(executable: "/bin/sluice", store: nil)
        #expect(unit.firstDifference(from: unit.text) == nil)
        let edited = unit.text.replacingOccurrences(of: "RestartSec=5", with: "RestartSec=1")
        let difference = try #require(unit.firstDifference(from: edited))
        #expect(difference.line == 11)
        #expect(difference.existing == "RestartSec=1")
        #expect(difference.wanted == "RestartSec=5")
        let short = try #require(unit.firstDifference(from: "[Unit]\n"))
        #expect(short.line == 1)
        #expect(short.wanted?.hasPrefix("# Written by sluice") == true)
    }
}
