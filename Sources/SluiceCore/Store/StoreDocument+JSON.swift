/// The store's file format, version 1:
///
/// ```json
/// { "version": 1,
///   "servers": [ { "name": "db", "destination": "deploy@db.example.com",
///                  "identityFile": "~/.ssh/id_db", "jumpHost": "bastion",
///                  "forwards": [ { "name": "L5432", "kind": "local", "enabled": true,
///                                  "listen": { "port": 5432 },
///                                  "target": { "host": "localhost", "port": 5432 } } ] } ] }
/// ```
///
/// A listen side without "host" binds loopback. Keys are written in this
/// order every time so that saves diff cleanly.
///
/// Version 2 adds agent servers, in place of "destination" either
/// `"agent": "ws://10.0.0.5:9090"` or `"controlPlane": "http://cp:8080",
/// "project": "my-app"`, with optional "tokenFile" and "caFile"; their
/// forwards are local, with a target host of `PROJECT/SERVICE` (or
/// `SERVICE` for a project). Only a store that holds an agent server is
/// written as version 2.
extension StoreDocument {
    public init(parsing text: String, path: String) throws(StoreError) {
        let root: JSONValue
        do {
            root = try JSONParser.parse(text)
        } catch {
            throw .malformed(path: path, at: error.position, problem: error.problem)
        }
        do {
            self = try Self.read(root, path: path)
        } catch let problem as JSONObjectReader.Problem {
            throw .invalid(path: path, at: problem.position, problem: problem.message)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .invalid(path: path, at: root.position, problem: "\(error)")
        }
    }

    public var json: JSONValue {
        JSONValue(.object([
            ("version", JSONValue(.number(String(servers.contains(where: \.address.isAgent) ? Self.currentVersion : 1)))),
            ("servers", JSONValue(.array(servers.map(Self.json(for:))))),
        ]))
    }

    public var jsonText: String { JSONWriter.write(json) }

    private static func read(_ root: JSONValue, path: String) throws -> StoreDocument {
        var reader = try JSONObjectReader(root, context: "the document")
        let version = try reader.int("version")
        if version > currentVersion { throw StoreError.newerVersion(path: path, version: version) }
        guard version >= 1 else {
            throw JSONObjectReader.Problem(position: root.position, message: "\"version\" is \(version); this Sluice reads versions 1 to \(currentVersion)")
        }
        // The checks of addServer, with names in a set: a store of 100,000
        // servers must not take a scan of the list for each one.
        var document = StoreDocument()
        var names: Set<String> = []
        for value in try reader.array("servers") {
            let server = try readServer(value)
            do throws(SluiceError) {
                try server.validate()
                guard names.insert(server.name).inserted else { throw SluiceError.duplicateServer(server.name) }
            } catch {
                throw JSONObjectReader.Problem(position: value.position, message: error.description)
            }
            document.servers.append(server)
        }
        try reader.finish()
        return document
    }

    private static func readServer(_ value: JSONValue) throws -> Server {
        var reader = try JSONObjectReader(value, context: "a server")
        let name = try reader.string("name")
        let context = "server '\(TerminalText.echo(name))'"
        reader.context = context
        var server = Server(
            name: name,
            address: try readAddress(&reader, at: value, context: context),
            identityFile: try readIdentityFile(&reader, context: context),
            jumpHost: try readJumpHost(&reader, context: context),
            tokenFile: try reader.optionalString("tokenFile"),
            caFile: try reader.optionalString("caFile")
        )
        // The checks of addForward, with names in a set, as for servers.
        var forwardNames: Set<String> = []
        for forwardValue in try reader.array("forwards") {
            let forward = try readForward(forwardValue, server: name, targets: server.targetRule)
            do throws(SluiceError) {
                try server.validate(forward)
                guard forwardNames.insert(forward.name).inserted else { throw SluiceError.duplicateForward(server: name, forward: forward.name) }
            } catch {
                throw JSONObjectReader.Problem(position: forwardValue.position, message: error.description)
            }
            server.forwards.append(forward)
        }
        try reader.finish()
        return server
    }

    /// "destination" for SSH; "agent", or "controlPlane" and "project",
    /// for an agent server.
    private static func readAddress(_ reader: inout JSONObjectReader, at server: JSONValue, context: String) throws -> ServerAddress {
        func parsed(_ value: JSONValue, _ parse: (String) throws(SluiceError) -> ServerAddress, key: String) throws -> ServerAddress {
            let text = try JSONObjectReader.string(value, "\"\(key)\" of \(context)")
            do {
                return try parse(text)
            } catch {
                throw JSONObjectReader.Problem(position: value.position, message: error.description)
            }
        }
        let destination = reader.optional("destination")
        let agent = reader.optional("agent")
        let controlPlane = reader.optional("controlPlane")
        let project = reader.optional("project")
        switch (destination, agent, controlPlane, project) {
        case (let destination?, nil, nil, nil):
            return try parsed(destination, { text throws(SluiceError) in .ssh(try Destination(parsing: text)) }, key: "destination")
        case (nil, let agent?, nil, nil):
            let text = try JSONObjectReader.string(agent, "\"agent\" of \(context)")
            guard AgentURL.isURL(text) else {
                throw JSONObjectReader.Problem(position: agent.position, message: "\"agent\" of \(context) is '\(TerminalText.echo(text))'; expected ws://HOST:PORT or wss://HOST:PORT")
            }
            return try parsed(agent, ServerAddress.init(parsing:), key: "agent")
        case (nil, nil, let controlPlane?, let project?):
            let projectName = try JSONObjectReader.string(project, "\"project\" of \(context)")
            return try parsed(controlPlane, { text throws(SluiceError) in try .project(projectName, controlPlane: text) }, key: "controlPlane")
        default:
            throw JSONObjectReader.Problem(position: server.position, message: "\(context) needs one of: \"destination\" (SSH), \"agent\" (a ws:// or wss:// URL), or \"controlPlane\" with \"project\"")
        }
    }

    private static func readIdentityFile(_ reader: inout JSONObjectReader, context: String) throws -> String? {
        guard let value = reader.optional("identityFile") else { return nil }
        if case .null = value.kind { return nil }
        let path = try JSONObjectReader.string(value, "\"identityFile\" of \(context)")
        if let problem = Server.identityFileProblem(path) {
            throw JSONObjectReader.Problem(position: value.position, message: SluiceError.invalidIdentityFile(path, problem).description)
        }
        return path
    }

    /// The chain as it parses back (`none` is no jump host), so what is
    /// saved is what the engine will use.
    private static func readJumpHost(_ reader: inout JSONObjectReader, context: String) throws -> String? {
        guard let value = reader.optional("jumpHost") else { return nil }
        if case .null = value.kind { return nil }
        let text = try JSONObjectReader.string(value, "\"jumpHost\" of \(context)")
        do {
            return try JumpChain(parsing: text)?.description
        } catch {
            throw JSONObjectReader.Problem(position: value.position, message: error.description)
        }
    }

    private static func readForward(_ value: JSONValue, server: String, targets: ForwardSpec.TargetRule) throws -> Forward {
        var reader = try JSONObjectReader(value, context: "a forward of server '\(TerminalText.echo(server))'")
        let name = try reader.string("name")
        let context = "forward '\(TerminalText.echo(server))/\(TerminalText.echo(name))'"
        reader.context = context
        let kindValue = try reader.required("kind")
        let kindText = try JSONObjectReader.string(kindValue, "\"kind\" of \(context)")
        guard let kind = ForwardKind(rawValue: kindText) else {
            throw JSONObjectReader.Problem(position: kindValue.position, message: "\"kind\" of \(context) is \"\(TerminalText.echo(kindText))\"; expected \"local\", \"reverse\" or \"dynamic\"")
        }
        let enabled = try reader.bool("enabled")
        let listen = try readEndpoint(try reader.required("listen"), context: "\"listen\" of \(context)", hostRequired: false)
        let target = try reader.optional("target").map { value throws in
            try readEndpoint(value, context: "\"target\" of \(context)", hostRequired: true)
        }
        try reader.finish()
        let spec = ForwardSpec(kind: kind, listen: listen, target: target)
        if let problem = spec.problem(targets: targets) {
            throw JSONObjectReader.Problem(position: value.position, message: "\(context): \(problem)")
        }
        return Forward(name: name, spec: spec, enabled: enabled)
    }

    private static func readEndpoint(_ value: JSONValue, context: String, hostRequired: Bool) throws -> Endpoint {
        var reader = try JSONObjectReader(value, context: context)
        let host = hostRequired ? try reader.string("host") : try reader.optionalString("host")
        let port = try reader.int("port")
        try reader.finish()
        return Endpoint(host: host, port: port)
    }

    private static func json(for server: Server) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("name", JSONValue(.string(server.name)))]
        switch server.address {
        case .ssh(let destination):
            members.append(("destination", JSONValue(.string(destination.description))))
        case .agent(let url):
            members.append(("agent", JSONValue(.string(url.description))))
        case let .project(project, controlPlane):
            members.append(("controlPlane", JSONValue(.string(controlPlane.text))))
            members.append(("project", JSONValue(.string(project))))
        }
        if let identity = server.identityFile { members.append(("identityFile", JSONValue(.string(identity)))) }
        if let jump = server.jumpHost { members.append(("jumpHost", JSONValue(.string(jump)))) }
        if let token = server.tokenFile { members.append(("tokenFile", JSONValue(.string(token)))) }
        if let ca = server.caFile { members.append(("caFile", JSONValue(.string(ca)))) }
        members.append(("forwards", JSONValue(.array(server.forwards.map(json(for:))))))
        return JSONValue(.object(members))
    }

    private static func json(for forward: Forward) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("name", JSONValue(.string(forward.name))),
            ("kind", JSONValue(.string(forward.kind.rawValue))),
            ("enabled", JSONValue(.bool(forward.enabled))),
            ("listen", json(for: forward.spec.listen)),
        ]
        if let target = forward.spec.target { members.append(("target", json(for: target))) }
        return JSONValue(.object(members))
    }

    private static func json(for endpoint: Endpoint) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let host = endpoint.host { members.append(("host", JSONValue(.string(host)))) }
        members.append(("port", JSONValue(.number(String(endpoint.port)))))
        return JSONValue(.object(members))
    }
}
