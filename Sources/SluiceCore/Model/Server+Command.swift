/// The command that would make a server's forwards without Sluice's
/// engine, for users who want it elsewhere (a script, another machine).
extension Server {
    /// `ssh -N -L 5432:localhost:5432 -p 2222 -i KEY -J JUMP user@host` as
    /// argv: the forwards given, then how to reach the server. Nil for an
    /// agent server (see `portForwardArguments`).
    public func sshArguments(for forwards: [Forward]) -> [String]? {
        guard let destination else { return nil }
        var arguments = ["ssh", "-N"]
        for forward in forwards { arguments += [forward.kind.flag, forward.spec.argument] }
        if let port = destination.port { arguments += ["-p", String(port)] }
        if let identityFile { arguments += ["-i", identityFile] }
        if let jumpHost { arguments += ["-J", jumpHost] }
        arguments.append(destination.user.map { "\($0)@\(destination.host)" } ?? destination.host)
        return arguments
    }

    /// `sluice port-forward my-app/db 5432:5432 --node ws://10.0.0.5:9090`
    /// as argv, for one forward of an agent server; nil for SSH servers
    /// and for a forward whose target names no service.
    public func portForwardArguments(for forward: Forward) -> [String]? {
        guard let target = forward.spec.target,
              let (project, service) = forward.spec.service(defaultProject: address.project) else { return nil }
        var arguments = ["sluice", "port-forward", "\(project)/\(service)", "\(forward.spec.listen.port):\(target.port)"]
        switch address {
        case .ssh: return nil
        case .agent(let url): arguments += ["--node", url.description]
        case let .project(_, controlPlane): arguments += ["--control-plane", controlPlane.text]
        }
        if let tokenFile { arguments += ["--token-file", tokenFile] }
        if let caFile { arguments += ["--ca-file", caFile] }
        return arguments
    }
}
