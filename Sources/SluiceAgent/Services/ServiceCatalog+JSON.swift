import SluiceCore

/// The services file (docs/agent-services.md):
///
/// ```json
/// { "projects": {
///     "my-app": { "phase": "Running",
///                 "services": { "db": { "address": "127.0.0.1" },
///                               "web": { "netns": "app1" },
///                               "cache": { "pid": 4242 },
///                               "api": {} } } } }
/// ```
///
/// Read strictly, as the store is: an unknown key is an error at its line
/// and column rather than a setting silently lost.
extension ServiceCatalog {
    public static let currentVersion = 1

    /// Reads and checks the file at `path`.
    public init(loadingFrom path: String) throws(ServiceCatalogError) {
        let text: String?
        do {
            text = try TextFile.readText(path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        guard let text else { throw .unreadable(path: path, reason: "it is not UTF-8 text") }
        try self.init(parsing: text, path: path)
    }

    public init(parsing text: String, path: String) throws(ServiceCatalogError) {
        let root: JSONValue
        do {
            root = try JSONParser.parse(text)
        } catch {
            throw .malformed(path: path, at: error.position, problem: error.problem)
        }
        do {
            self = try Self.read(root)
        } catch {
            throw .invalid(path: path, at: error.position, problem: error.message)
        }
    }

    private static func read(_ root: JSONValue) throws(JSONObjectReader.Problem) -> ServiceCatalog {
        var reader = try JSONObjectReader(root, context: "the services file")
        if let version = reader.optional("version") {
            guard case .number(let text) = version.kind, Int(text) == currentVersion else {
                throw JSONObjectReader.Problem(position: version.position, message: "\"version\" should be \(currentVersion), the format this Sluice reads")
            }
        }
        let projectsValue = reader.optional("projects")
        // A misspelt key is named before the key it stands for is missed.
        try reader.finish()
        guard let projectsValue else { throw JSONObjectReader.Problem(position: root.position, message: "the services file has no \"projects\"") }
        var projectsReader = try JSONObjectReader(projectsValue, context: "\"projects\"")
        var catalog = ServiceCatalog()
        for (name, value) in projectsReader.entries() {
            try checkName(name, of: "a project", at: value.position)
            catalog.projects[name] = try readProject(value, name: name)
        }
        return catalog
    }

    private static func readProject(_ value: JSONValue, name: String) throws(JSONObjectReader.Problem) -> Project {
        let context = "project '\(name)'"
        var reader = try JSONObjectReader(value, context: context)
        var project = Project(services: [:])
        if let phaseValue = reader.optional("phase") {
            let phase = try JSONObjectReader.string(phaseValue, "\"phase\" of \(context)")
            if let problem = AgentNameRule.problem(with: phase) {
                throw JSONObjectReader.Problem(position: phaseValue.position, message: "\"phase\" of \(context) \(problem) (\"Running\", or the platform's word such as \"Pending\")")
            }
            project.phase = phase
        }
        let servicesValue = reader.optional("services")
        try reader.finish()
        guard let servicesValue else { throw JSONObjectReader.Problem(position: value.position, message: "\(context) has no \"services\"") }
        var servicesReader = try JSONObjectReader(servicesValue, context: "\"services\" of \(context)")
        for (serviceName, serviceValue) in servicesReader.entries() {
            try checkName(serviceName, of: "a service of \(context)", at: serviceValue.position)
            project.services[serviceName] = try readService(serviceValue, context: "service '\(serviceName)' of \(context)")
        }
        return project
    }

    private static func readService(_ value: JSONValue, context: String) throws(JSONObjectReader.Problem) -> ServiceLocation {
        var reader = try JSONObjectReader(value, context: context)
        let address = reader.optional("address")
        let namespace = reader.optional("netns")
        let process = reader.optional("pid")
        try reader.finish()
        let given = [address, namespace, process].compactMap { $0 }
        if given.count > 1 {
            throw JSONObjectReader.Problem(position: given[1].position, message: "\(context) says more than one of \"address\", \"netns\" and \"pid\"; give one")
        }
        if let address {
            let host = try JSONObjectReader.string(address, "\"address\" of \(context)")
            if let problem = HostRule.problem(with: host) {
                throw JSONObjectReader.Problem(position: address.position, message: "\"address\" of \(context) \(problem)")
            }
            return .host(host)
        }
        if let namespace {
            let text = try JSONObjectReader.string(namespace, "\"netns\" of \(context)")
            guard let path = namespacePath(text) else {
                throw JSONObjectReader.Problem(position: namespace.position,
                                               message: "\"netns\" of \(context) should be a name from `ip netns list` or an absolute path such as /var/run/netns/NAME")
            }
            return .namespace(path: path)
        }
        if let process {
            guard case .number(let text) = process.kind, let pid = Int32(text), pid > 0 else {
                throw JSONObjectReader.Problem(position: process.position, message: "\"pid\" of \(context) should be a process id (a whole number above 0)")
            }
            return .process(pid: pid)
        }
        return .host("localhost")
    }

    /// A bare name means one of `ip netns`'s; anything else must be an
    /// absolute path without control characters.
    private static func namespacePath(_ text: String) -> String? {
        if text.hasPrefix("/") {
            return TerminalText.hasUnsafeCharacters(text) || text.utf8.contains(0) ? nil : text
        }
        guard AgentNameRule.problem(with: text) == nil else { return nil }
        return ServiceLocation.namedNamespaceFolder + "/" + text
    }

    private static func checkName(_ name: String, of what: String, at position: TextPosition) throws(JSONObjectReader.Problem) {
        if let problem = AgentNameRule.problem(with: name) {
            throw JSONObjectReader.Problem(position: position, message: "the name \"\(TerminalText.echo(name))\" of \(what) \(problem) (names are letters, digits, '-', '_' and '.', up to \(AgentNameRule.maximumLength))")
        }
    }
}
