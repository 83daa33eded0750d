import SluiceTestSupport
import Testing

/// A run with the tunings switched off or under a sanitizer reaches the
/// children the tests start with environments of their own.
@Suite struct InheritedEnvironmentTests {
    @Test func switchesAndSanitizerOptionsComeThrough() {
        let current = ["SLUICE_READ_AHEAD": "0", "SLUICE_GLIBC_TUNING": "0", "TSAN_OPTIONS": "halt_on_error=1",
                       "HOME": "/root", "SSH_AUTH_SOCK": "/tmp/agent"]
        let child = InheritedEnvironment.adding(to: ["HOME": "/tmp/home"], from: current)
        #expect(child == ["HOME": "/tmp/home", "SLUICE_READ_AHEAD": "0", "SLUICE_GLIBC_TUNING": "0", "TSAN_OPTIONS": "halt_on_error=1"])
    }

    @Test func whatTheTestSetsWins() {
        let child = InheritedEnvironment.adding(to: ["SLUICE_READ_AHEAD": "1"], from: ["SLUICE_READ_AHEAD": "0"])
        #expect(child == ["SLUICE_READ_AHEAD": "1"])
    }

    @Test func nothingComesThroughWhenNothingIsSet() {
        #expect(InheritedEnvironment.adding(to: ["HOME": "/tmp/home"], from: ["HOME": "/root"]) == ["HOME": "/tmp/home"])
    }
}
