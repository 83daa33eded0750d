import CDescriptors
import Foundation
import SluiceCore

/// Starts a child process the one way Sluice starts any (a ProxyCommand,
/// the background engine): posix_spawn with an argv, stdio as given,
/// nothing else of Sluice's open in it, and a clean signal state.
public enum ChildSpawn {
    public struct Options {
        /// stdin; nil: /dev/null.
        public var stdin: Int32?
        public var stdout: Int32
        public var stderr: Int32
        /// A process group of its own, so it can be stopped with all it starts.
        public var processGroup = false
        /// A session of its own (setsid): no controlling terminal, so it
        /// outlives the terminal it came from.
        public var session = false
        /// Where it starts; nil: where Sluice is.
        public var directory: String?

        public init(stdin: Int32?, stdout: Int32, stderr: Int32, processGroup: Bool = false, session: Bool = false, directory: String? = nil) {
            self.stdin = stdin
            self.stdout = stdout
            self.stderr = stderr
            self.processGroup = processGroup
            self.session = session
            self.directory = directory
        }
    }

    public static func spawn(_ executable: String, _ arguments: [String], _ options: Options) throws(SystemError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin = options.stdin {
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, options.stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, options.stderr, 2)
        // Sluice's own descriptors are close-on-exec; whatever it inherited
        // without that stays behind too.
        _ = sluice_spawn_add_closefrom(&actions, 3)
        if let directory = options.directory { _ = sluice_spawn_add_chdir(&actions, directory) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Session threads block signals and Sluice ignores SIGPIPE; the
        // child must start with neither.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGWINCH] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        var flags = Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if options.processGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int16(POSIX_SPAWN_SETPGROUP)
        }
        if options.session { flags |= sluice_posix_spawn_setsid_flag() }
        posix_spawnattr_setflags(&attributes, flags)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw SystemError(operation: "posix_spawn", path: executable, code: result) }
        return pid
    }
}
