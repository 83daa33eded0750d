import SluiceAgent
import Testing

/// Every answer of the protocol's table, from a request head alone.
@Suite struct UpgradeGateTests {
    static let catalog = ServiceCatalog(projects: [
        "my-app": .init(services: ["db": .host("127.0.0.1"), "web": .namespace(path: "/var/run/netns/app1")]),
        "later": .init(phase: "Pending", services: ["db": .host("localhost")]),
    ])
    let open = UpgradeGate(catalog: catalog, token: nil)
    let guarded = UpgradeGate(catalog: catalog, token: AccessToken("s3cret"))

    func status(_ gate: UpgradeGate, _ uri: String, authorization: [String] = []) -> Int? {
        if case .failure(let rejection) = gate.admit(uri: uri, authorization: authorization, offeredProtocols: []) { return rejection.status }
        return nil
    }

    @Test func aKnownRunningServiceIsLetThrough() throws {
        let plan = try open.admit(uri: "/api/v1/forward/my-app/web/8080?x=1", authorization: [], offeredProtocols: ["chat, sluice.v1"]).get()
        #expect(plan == ForwardPlan(route: ForwardRoute(project: "my-app", service: "web", port: 8080), location: .namespace(path: "/var/run/netns/app1"), halfClose: true))
        #expect(plan.subprotocol == "sluice.v1")
        let plain = try open.admit(uri: "/api/v1/forward/my-app/db/1", authorization: [], offeredProtocols: ["sluice.v9"]).get()
        #expect(!plain.halfClose)
        #expect(plain.subprotocol == nil)
    }

    /// `sluice.v2` wins over `sluice.v1` when both are offered, in one
    /// header or two, in either order.
    @Test(arguments: [["sluice.v2, sluice.v1"], ["sluice.v1", "sluice.v2"], ["sluice.v2"]])
    func reuseIsChosenWhenOffered(_ offered: [String]) throws {
        let plan = try open.admit(uri: "/api/v1/forward/my-app/db/1", authorization: [], offeredProtocols: offered).get()
        #expect(plan.reuse && plan.halfClose)
        #expect(plan.subprotocol == "sluice.v2")
    }

    @Test(arguments: ["/api/v1/forward/my-app/db/0", "/api/v1/forward/my-app/db/65536", "/api/v1/forward/my-app/db/080",
                      "/api/v1/forward/my-app/db/+80", "/api/v1/forward/my-app/db/x", "/api/v1/forward/my-app/db",
                      "/api/v1/forward/my-app/db/80/x", "/api/v1/forward/my%2Dapp/db/80", "/api/v1/forward/.x/db/80"])
    func malformedPathsAre400(_ uri: String) {
        #expect(status(open, uri) == 400)
    }

    @Test func unknownProjectsServicesAndEndpointsAre404() {
        #expect(status(open, "/api/v1/forward/nope/db/80") == 404)
        #expect(status(open, "/api/v1/forward/my-app/nope/80") == 404)
        #expect(status(open, "/api/v2/forward/my-app/db/80") == 404)
        if case .failure(let rejection) = open.admit(uri: "/api/v1/forward/my-app/nope/80", authorization: [], offeredProtocols: []) {
            #expect(rejection.message == "no service nope in my-app (it has: db, web)")
        }
    }

    @Test func aProjectThatIsNotRunningIs409WithItsPhase() {
        #expect(open.admit(uri: "/api/v1/forward/later/db/80", authorization: [], offeredProtocols: [])
                == .failure(.conflict("later is Pending: no container to connect to yet")))
    }

    @Test func theTokenIsCheckedBeforeAnythingIsSaid() {
        #expect(status(guarded, "/api/v1/forward/nope/db/80") == 401)
        #expect(status(guarded, "/api/v1/forward/my-app/db/0") == 401)
        #expect(status(guarded, "/api/v1/forward/my-app/db/80", authorization: ["Bearer wrong"]) == 401)
        #expect(status(guarded, "/api/v1/forward/my-app/db/80", authorization: ["Basic czNjcmV0"]) == 401)
        #expect(status(guarded, "/api/v1/forward/my-app/db/80", authorization: ["Bearer s3cret", "Bearer s3cret"]) == 401)
        #expect(status(guarded, "/api/v1/forward/my-app/db/80", authorization: ["bearer s3cret"]) == nil)
        #expect(status(guarded, "/api/v1/forward/nope/db/80", authorization: ["Bearer s3cret"]) == 404)
    }

    @Test func theHealthEndpointIsItsOwn() {
        #expect(UpgradeGate.endpoint(for: "/healthz") == .health)
        #expect(UpgradeGate.endpoint(for: "/healthz?probe=1") == .health)
        #expect(UpgradeGate.endpoint(for: "/") == .unknown)
    }

    @Test func bodiesAreOneLineOfJSON() {
        #expect(Rejection.notFound("no project \"x\" / y").body == #"{"message":"no project \"x\" / y"}"# + "\n")
    }
}
