/// What the services file says: the projects this agent serves, whether
/// each runs, and where each of its services listens.
public struct ServiceCatalog: Equatable, Sendable {
    public struct Project: Equatable, Sendable {
        /// "Running", or what the platform calls a project that is not
        /// ("Pending", "Stopped"); only a Running project is forwarded to.
        public var phase: String
        public var services: [String: ServiceLocation]

        public init(phase: String = ServiceCatalog.runningPhase, services: [String: ServiceLocation]) {
            self.phase = phase
            self.services = services
        }

        public var isRunning: Bool { phase == ServiceCatalog.runningPhase }
    }

    public static let runningPhase = "Running"

    public var projects: [String: Project]

    public init(projects: [String: Project] = [:]) {
        self.projects = projects
    }

    public var serviceCount: Int { projects.values.reduce(0) { $0 + $1.services.count } }

    /// "3 services in 2 projects", for the start and reload lines.
    public var summary: String {
        let services = serviceCount, projects = projects.count
        return "\(services) service\(services == 1 ? "" : "s") in \(projects) project\(projects == 1 ? "" : "s")"
    }
}
