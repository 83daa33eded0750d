import Foundation

/// Keeps asynchronous signals (Ctrl+C, SIGTERM, window resizes) away from
/// the calling thread. Session threads call it first thing: libssh treats a
/// system call interrupted by a signal (EINTR) on its socket as a broken
/// link, so a Ctrl+C landing on a session thread mid-send would cut every
/// connection instead of letting them drain.
public enum ThreadSignals {
    static func blockAsynchronousSignals() {
        var set = sigset_t()
        sigfillset(&set)
        // Faults must still reach the thread that caused them.
        for synchronous in [SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS] {
            sigdelset(&set, synchronous)
        }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Starts a thread named `name` that runs `body` with asynchronous
    /// signals blocked, as every engine thread must.
    public static func startThread(named name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            blockAsynchronousSignals()
            body()
        }
        thread.name = name
        thread.start()
    }
}
