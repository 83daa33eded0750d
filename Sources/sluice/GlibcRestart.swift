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
        // By its path, so that it keeps its name: ps, top and pgrep show
        // the last part of the path execve was given, "exe" for
        // /proc/self/exe. A binary replaced since it started is run from
        // /proc/self/exe, so the same program restarts.
        let own = OwnExecutable.find()
        let path = own.flatMap { $0.replaced ? nil : $0.path } ?? "/proc/self/exe"
        execve(path, argv, envp)
        // Not restarted (no /proc?): go on untuned, which is only slower.
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
}
