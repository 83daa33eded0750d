@testable import SluiceCore
import Testing

@Suite struct CopyTuningTests {
    private let tuned = "glibc.cpu.x86_rep_movsb_threshold=1099511627776"

    @Test func anAMDCPUWithAnOlderGlibcRestartsOnceWithTheTunableAdded() throws {
        let environment = ["HOME": "/home/me", "GLIBC_TUNABLES": "glibc.malloc.arena_max=2"]
        let changed = try #require(CopyTuning.restartEnvironment(cpuVendor: "AuthenticAMD", glibcVersion: "2.36", environment: environment))
        #expect(changed["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=2:\(tuned)", "extended, never replaced")
        #expect(changed["HOME"] == "/home/me")
        #expect(CopyTuning.restartEnvironment(cpuVendor: "AuthenticAMD", glibcVersion: "2.36", environment: changed) == nil, "once")
        #expect(CopyTuning.restartEnvironment(cpuVendor: "AuthenticAMD", glibcVersion: "2.38", environment: [:])?["GLIBC_TUNABLES"] == tuned)
    }

    @Test(arguments: [
        ("GenuineIntel", "2.36", [String: String]()),
        ("AuthenticAMD", "2.39", [:]),
        ("AuthenticAMD", "2.40", [:]),
        ("AuthenticAMD", "2.36", ["SLUICE_GLIBC_TUNING": "0"]),
        ("AuthenticAMD", "2.36", ["GLIBC_TUNABLES": "glibc.cpu.x86_rep_movsb_threshold=4096"]),
    ])
    func otherwiseNothingChanges(_ vendor: String, _ version: String, _ environment: [String: String]) {
        #expect(CopyTuning.restartEnvironment(cpuVendor: vendor, glibcVersion: version, environment: environment) == nil)
    }

    @Test func versionsCompareAsNumbers() {
        #expect(CopyTuning.isBefore239("2.36"))
        #expect(CopyTuning.isBefore239("2.38.9"))
        #expect(!CopyTuning.isBefore239("2.39"))
        #expect(!CopyTuning.isBefore239("2.100"))
        #expect(!CopyTuning.isBefore239("3.0"))
    }
}
