import CDescriptors
import Foundation
import SluiceCore

/// Runs Sluice again, once, with the tunable `CopyTuning` calls for, when
/// it calls for one; first thing in `main`, before any thread starts.
enum GlibcRestart {
    static func applyIfNeeded() {
        // Run through the dynamic loader (`ld-linux.so ./sluice`),
        // /proc/self/exe is the loader: restarting would lose the program.
        guard sluice_started_normally() != 0 else { return }
        let environment = ProcessInfo.processInfo.environment
        guard let changed = CopyTuning.restartEnvironment(cpuVendor: CopyTuning.cpuVendor(), glibcVersion: String(cString: sluice_glibc_version()),
                                                          environment: environment)
        else { return }
        let argv = CommandLine.arguments.map { strdup($0) } + [nil]
        let envp = changed.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve("/proc/self/exe", argv, envp)
        // Not restarted (no /proc?): go on untuned, which is only slower.
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
}
