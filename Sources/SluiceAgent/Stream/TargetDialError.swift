/// Why the agent could not connect a stream to its service, worded for the
/// client's close reason and the log: "connection refused by
/// localhost:5432 in my-app/db".
struct TargetDialError: Error, Equatable {
    var reason: String
}
