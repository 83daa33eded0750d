import Foundation
import SluiceAgent
import SluiceCore
import SluiceTUI

/// How `sluice agent` writes what happens: a line of text per event
/// (`agent: 127.0.0.1:53122 -> my-app/db:5432 closed after 2.1 s, 1.2 MB
/// in, 3.4 KB out`), or with `--log json` one JSON object per line, with
/// the same line as its "message" and the facts as fields.
struct AgentLog: Sendable {
    enum Format: String, CaseIterable, Sendable {
        case text
        case json
    }

    let format: Format

    func write(_ event: AgentEvent) {
        switch format {
        case .text: Console.say("agent: " + Self.text(event))
        case .json: Console.say(Self.json(event, at: Date()))
        }
    }

    static func text(_ event: AgentEvent) -> String {
        switch event {
        case let .listening(address, tls, tokenRequired, servicesPath, services):
            return "listening on \(address) (\(tls ? "wss" : "ws"), \(tokenRequired ? "token required" : "no token")), \(services) from \(TerminalText.path(servicesPath))"
        case let .notFollowing(path, reason):
            return "warning: changes to \(TerminalText.path(path)) are not followed (\(reason)); send SIGHUP after editing it"
        case let .servicesReloaded(path, services):
            return "services reloaded from \(TerminalText.path(path)): \(services)"
        case let .servicesKept(problem), let .tokenKept(problem):
            return "warning: \(problem)"
        case let .tokenReloaded(path):
            return "token reloaded from \(TerminalText.path(path))"
        case let .refused(client, target, status, message):
            return "\(client) \(TerminalText.echo(target)) refused with \(status): \(message)"
        case let .streamClosed(summary):
            var line = "\(summary.client) -> \(summary.route) closed after \(Formatting.tenths(summary.seconds)) s, "
                + "\(Formatting.bytes(summary.bytesIn)) in, \(Formatting.bytes(summary.bytesOut)) out"
            if let problem = summary.problem {
                line += ": \(problem)" + (summary.closeCode.map { " (\($0))" } ?? "")
            }
            return line
        case let .stopping(openStreams, drainSeconds):
            guard openStreams > 0 else { return "stopping" }
            return "stopping: \(openStreams) stream\(openStreams == 1 ? "" : "s") open, closed with 1001 in \(DrainOptions.shown(drainSeconds)) s unless they end first"
        case .stopped:
            return "stopped"
        }
    }

    /// The fields of a JSON line; keys sorted, so lines compare as text.
    private struct Record: Encodable {
        var time: String
        var event: String
        var message: String
        var client: String?
        var project: String?
        var service: String?
        var port: Int?
        var seconds: Double?
        var bytesIn: UInt64?
        var bytesOut: UInt64?
        var closeCode: UInt16?
        var problem: String?
        var status: Int?
        var address: String?
    }

    static func json(_ event: AgentEvent, at date: Date) -> String {
        var record = Record(time: date.formatted(.iso8601), event: name(of: event), message: text(event))
        switch event {
        case let .listening(address, _, _, _, _):
            record.address = address
        case let .refused(client, _, status, message):
            record.client = client
            record.status = status
            record.problem = message
        case let .streamClosed(summary):
            record.client = summary.client
            record.project = summary.route.project
            record.service = summary.route.service
            record.port = summary.route.port
            record.seconds = (summary.seconds * 1000).rounded() / 1000
            record.bytesIn = summary.bytesIn
            record.bytesOut = summary.bytesOut
            record.closeCode = summary.closeCode
            record.problem = summary.problem
        case let .servicesKept(problem), let .tokenKept(problem), let .notFollowing(_, problem):
            record.problem = problem
        default:
            break
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(record) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func name(of event: AgentEvent) -> String {
        switch event {
        case .listening: return "listening"
        case .notFollowing: return "not-following"
        case .servicesReloaded: return "services-reloaded"
        case .servicesKept: return "services-kept"
        case .tokenReloaded: return "token-reloaded"
        case .tokenKept: return "token-kept"
        case .refused: return "refused"
        case .streamClosed: return "closed"
        case .stopping: return "stopping"
        case .stopped: return "stopped"
        }
    }
}
