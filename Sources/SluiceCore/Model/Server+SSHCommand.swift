/// The OpenSSH command that would make a server's forwards, for users who
/// want it elsewhere (a script, a machine without Sluice).
extension Server {
    /// `ssh -N -L 5432:localhost:5432 -p 2222 -i KEY -J JUMP user@host` as
    /// argv: the forwards given, then how to reach the server.
    public func sshArguments(for forwards: [Forward]) -> [String] {
        var arguments = ["ssh", "-N"]
        for forward in forwards { arguments += [forward.kind.flag, forward.spec.argument] }
        if let port = destination.port { arguments += ["-p", String(port)] }
        if let identityFile { arguments += ["-i", identityFile] }
        if let jumpHost { arguments += ["-J", jumpHost] }
        arguments.append(destination.user.map { "\($0)@\(destination.host)" } ?? destination.host)
        return arguments
    }
}
