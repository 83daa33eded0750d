import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

/// A running sluice is named `sluice` in ps, top and pgrep, also after it
/// restarted itself with the glibc tunable CopyTuning calls for (an AMD
/// CPU with glibc before 2.39): restarted through /proc/self/exe, it was
/// named "exe".
@Suite struct ProcessNameTests {
    /// Where the machine calls for the restart, it happens, and the name
    /// and the program stay; elsewhere it does not happen.
    @Test func aRestartedSluiceKeepsItsName() throws {
        let running = try RunningAgent(environment: [:])
        let calledFor = CopyTuning.restartEnvironment(cpuVendor: CopyTuning.cpuVendor(), glibcVersion: Self.glibcVersion,
                                                      environment: InheritedEnvironment.adding(to: [:])) != nil
        let environment = ProcessInspection.environment(of: running.process.pid)
        #expect((environment[CopyTuning.marker] == "1") == calledFor, "restarted: \(environment[CopyTuning.marker] ?? "no"), called for: \(calledFor)")
        if calledFor {
            #expect(environment["GLIBC_TUNABLES"]?.contains(CopyTuning.tunable + "=") == true, "\(environment)")
        }
        #expect(ProcessInspection.name(of: running.process.pid) == "sluice")
        #expect(ProcessInspection.executable(of: running.process.pid) == URL(fileURLWithPath: SluiceBinary.path).resolvingSymlinksInPath().path)
    }

    /// Switched off, there is no restart: the same name.
    @Test func withoutTheRestartTheNameIsTheSame() throws {
        let running = try RunningAgent(environment: [CopyTuning.switchVariable: "0"])
        #expect(ProcessInspection.environment(of: running.process.pid)[CopyTuning.marker] == nil)
        #expect(ProcessInspection.name(of: running.process.pid) == "sluice")
    }

    /// "2.36" for glibc 2.36 (confstr says "glibc 2.36").
    static var glibcVersion: String? {
        var buffer = [UInt8](repeating: 0, count: 64)
        let length = buffer.withUnsafeMutableBufferPointer { confstr(Int32(_CS_GNU_LIBC_VERSION), $0.baseAddress, $0.count) }
        guard length > 0, length <= buffer.count else { return nil }
        // confstr's length counts the terminating NUL.
        return String(decoding: buffer[..<(length - 1)], as: UTF8.self).split(separator: " ").last.map(String.init)
    }

    /// `sluice agent`, a command that runs until stopped.
    struct RunningAgent {
        let folder: TemporaryDirectory
        let process: ChildProcess

        init(environment: [String: String]) throws {
            folder = try TemporaryDirectory(prefix: "sluice-name")
            let services = try folder.write("services.json", #"{"projects": {"my-app": {"services": {"db": {"address": "127.0.0.1"}}}}}"#)
            process = try ChildProcess(SluiceBinary.path, ["agent", "--listen", "127.0.0.1:0", "--services", services],
                                       environment: environment, stderr: folder.file("stderr"))
            ServerRecord.note(pid: process.pid, marker: folder.path)
            guard folder.waitUntil("stderr", contains: "listening on ") else {
                process.terminate()
                throw TestSupportError("sluice agent did not start: \((try? folder.read("stderr")) ?? "")")
            }
        }
    }
}
