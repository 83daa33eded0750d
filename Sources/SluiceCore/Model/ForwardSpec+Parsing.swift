import Foundation

extension ForwardSpec {
    /// Parses the argument of an OpenSSH `-L`, `-R` or `-D` flag.
    ///
    /// Local forwards also take a shorthand: `5432` is `5432:127.0.0.1:5432`,
    /// and `15432:5432` is `15432:127.0.0.1:5432`.
    /// `targets` says whether the target is a host (SSH) or a service
    /// behind an agent (`5432:my-app/db:5432`).
    public init(parsing argument: String, kind: ForwardKind, targets: TargetRule = .hosts) throws(ForwardSpecError) {
        func fail(_ problem: String) -> ForwardSpecError {
            ForwardSpecError(spec: argument, kind: kind, problem: problem, forAgent: targets != .hosts)
        }
        let fields = try Self.splitFields(argument, kind: kind, forAgent: targets != .hosts)
        if case .services = targets, kind == .local, fields.count < 3 {
            // The shorthand means 127.0.0.1, which an agent has no use for.
            throw fail("name the service: -L \(fields[0].isEmpty ? "PORT" : fields[0]):PROJECT/SERVICE:PORT, e.g. -L 5432:my-app/db:5432")
        }
        func port(_ index: Int, _ side: String) throws(ForwardSpecError) -> Int {
            let text = fields[index]
            guard !text.isEmpty else { throw fail("the \(side) is empty") }
            if text.utf8.first == UInt8(ascii: "/") { throw fail("Unix socket paths ('\(TerminalText.echo(text))') are not supported") }
            guard text.utf8.count <= 5, text.utf8.allSatisfy(Self.isDigit), let value = Int(text) else {
                throw fail("'\(TerminalText.echo(text))' is not a valid \(side)")
            }
            return value
        }

        switch (kind, fields.count) {
        case (.dynamic, 1):
            self.init(kind: kind, listen: Endpoint(host: nil, port: try port(0, "local port")), target: nil)
        case (.dynamic, 2):
            self.init(kind: kind, listen: Endpoint(host: fields[0], port: try port(1, "local port")), target: nil)
        case (.dynamic, _):
            throw fail("a dynamic forward takes only an optional bind address and a port")
        case (.local, 1):
            let shared = try port(0, "port")
            self.init(kind: kind, listen: Endpoint(host: nil, port: shared), target: Endpoint(host: "127.0.0.1", port: shared))
        case (.local, 2):
            let listenPort = try port(0, "local port")
            if !fields[1].isEmpty, !fields[1].utf8.allSatisfy(Self.isDigit), !fields[1].hasPrefix("/") {
                throw fail("the target port after '\(TerminalText.echo(fields[1]))' is missing")
            }
            self.init(kind: kind, listen: Endpoint(host: nil, port: listenPort), target: Endpoint(host: "127.0.0.1", port: try port(1, "target port")))
        case (.reverse, 1), (.reverse, 2):
            throw fail(fields.count == 1
                ? "the target host and port are missing (Sluice does not run a SOCKS proxy on the server)"
                : "the target port is missing")
        case (_, 3):
            let listenSide = kind == .reverse ? "server port" : "local port"
            self.init(kind: kind, listen: Endpoint(host: nil, port: try port(0, listenSide)), target: Endpoint(host: fields[1], port: try port(2, "target port")))
        case (_, 4):
            let listenSide = kind == .reverse ? "server port" : "local port"
            self.init(kind: kind, listen: Endpoint(host: fields[0], port: try port(1, listenSide)), target: Endpoint(host: fields[2], port: try port(3, "target port")))
        default:
            throw fail("too many ':'; write IPv6 addresses in brackets, e.g. [::1]:8080:[::1]:80")
        }
        if let problem = problem(targets: targets) { throw fail(problem) }
    }

    /// Parses a spec written with its flag, e.g. `-L 5432:localhost:5432` or `-D1080`.
    public init(parsingFlagged text: String, targets: TargetRule = .hosts) throws(ForwardSpecError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 2, let kind = ForwardKind(flag: String(trimmed.prefix(2))) else {
            throw ForwardSpecError(spec: text, kind: nil, problem: "expected it to start with -L, -R or -D")
        }
        try self.init(parsing: String(trimmed.dropFirst(2)).trimmingCharacters(in: .whitespaces), kind: kind, targets: targets)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// Splits on ':' outside brackets; a bracketed field is an IPv6 address and
    /// loses its brackets. Works on the bytes, as every separator is ASCII.
    private static func splitFields(_ argument: String, kind: ForwardKind, forAgent: Bool) throws(ForwardSpecError) -> [String] {
        func fail(_ problem: String) -> ForwardSpecError {
            ForwardSpecError(spec: argument, kind: kind, problem: problem, forAgent: forAgent)
        }
        guard !argument.isEmpty else { throw fail("the spec is empty") }
        if argument.unicodeScalars.contains(where: { $0.isASCII ? $0 == " " || (0x09...0x0D).contains($0.value) : $0.properties.isWhitespace }) {
            throw fail("it contains a space")
        }
        let bytes = Array(argument.utf8)
        let colon = UInt8(ascii: ":")
        var fields: [String] = []
        var start = 0
        while true {
            if start < bytes.count && bytes[start] == UInt8(ascii: "[") {
                guard let close = bytes[start...].firstIndex(of: UInt8(ascii: "]")) else { throw fail("a '[' is not closed by ']'") }
                guard close > start + 1 else { throw fail("'[]' holds no address") }
                fields.append(String(decoding: bytes[(start + 1)..<close], as: UTF8.self))
                start = close + 1
                if start == bytes.count { return fields }
                guard bytes[start] == colon else { throw fail("expected ':' after ']'") }
                start += 1
                if start == bytes.count { throw fail("it ends with ':'") }
                continue
            }
            if let end = bytes[start...].firstIndex(of: colon) {
                fields.append(String(decoding: bytes[start..<end], as: UTF8.self))
                start = end + 1
                if start == bytes.count { throw fail("it ends with ':'") }
            } else {
                fields.append(String(decoding: bytes[start...], as: UTF8.self))
                return fields
            }
        }
    }
}
