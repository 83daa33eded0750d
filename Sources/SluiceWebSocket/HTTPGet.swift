import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SluiceCore

/// One HTTP/1.1 GET with a deadline, for the control plane's two small
/// JSON documents: connect, send, read the whole answer (at most 1 MiB),
/// close. The deadline covers all of it.
struct HTTPGet: Sendable {
    struct Answer: Sendable {
        var status: Int
        var reason: String
        var body: ByteBuffer
    }

    enum Failure: Error {
        /// No connection: the system's words.
        case unreachable(String)
        case timedOut
        /// Connected, but what came back is not an HTTP answer.
        case notHTTP(String)
    }

    static let largestBody = 1 << 20

    let host: String
    let port: Int
    let tls: NIOSSLContext?
    let timeout: TimeAmount
    /// How a TLS failure's advice is phrased.
    let terms: AdviceTerms

    func get(_ path: String, headers extra: [(String, String)], on eventLoop: EventLoop) -> EventLoopFuture<Answer> {
        let answer = eventLoop.makePromise(of: Answer.self)
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(AgentAddress.bracketed(host)):\(port)")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "Connection", value: "close")
        for (name, value) in extra { headers.add(name: name, value: value) }
        let request = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        let tls = self.tls
        let serverName = host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
        let seconds = Int(timeout.nanoseconds / 1_000_000_000)
        let terms = self.terms
        let host = self.host

        let deadline = eventLoop.scheduleTask(in: timeout) { answer.fail(Failure.timedOut) }
        answer.futureResult.whenComplete { _ in deadline.cancel() }
        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                CloseOnExec.markAll()
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName)) }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(NIOHTTPClientResponseAggregator(maxContentLength: Self.largestBody))
                    try pipeline.addHandler(HTTPGetHandler(request: request, answer: answer, terms: terms))
                }
            }
            .connect(host: host, port: port)
            .whenComplete { result in
                switch result {
                case let .success(channel):
                    answer.futureResult.whenComplete { _ in channel.close(promise: nil) }
                case let .failure(error):
                    answer.fail(Failure.unreachable(ConnectFailure.words(for: error, host: host, timeout: seconds)))
                }
            }
        return answer.futureResult
    }
}
