import Foundation
import SluiceTestSupport
import Testing

/// A child the tests start holds stdin, stdout and stderr and nothing else
/// of the test process's, whose other tests run side by side and open
/// sockets and pipes without close-on-exec.
@Suite struct ChildProcessTests {
    @Test func aChildInheritsOnlyItsStandardDescriptors() throws {
        var leaky: [Int32] = [-1, -1]
        try #require(pipe(&leaky) == 0)
        defer { leaky.forEach { close($0) } }
        #expect(fcntl(leaky[0], F_GETFD) & FD_CLOEXEC == 0, "the pipe should be inheritable, or this test shows nothing")

        let child = try ChildProcess("/bin/sleep", ["30"])
        defer { child.signal(SIGKILL); child.wait() }
        // Right after exec the child's loader may still have a file of its
        // own open (a library, the locale); an inherited descriptor never
        // goes away, so waiting cannot hide one.
        var held = ProcessInspection.descriptors(of: child.pid).map(\.fd)
        let deadline = Date().addingTimeInterval(5)
        while held != [0, 1, 2] && Date() < deadline {
            usleep(20_000)
            held = ProcessInspection.descriptors(of: child.pid).map(\.fd)
        }
        #expect(held == [0, 1, 2], "the child holds \(held)")
    }
}
