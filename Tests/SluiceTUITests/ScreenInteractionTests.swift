import Foundation
import SluiceCore
@testable import SluiceTUI
import Testing

/// The screen's second pass, as the reducer sees it: filter, forms, log,
/// mouse and clipboard.
@Suite("Filter, forms, log, mouse and clipboard")
struct ScreenInteractionTests {
    typealias F = ScreenFixtures

    private func press(_ keys: [Key], on state: inout AppState) -> [Effect] {
        keys.flatMap { state.reduce(.key($0, at: F.keyTime)) }
    }

    private func type(_ text: String) -> [Key] { text.map { Key.character($0) } }

    private func click(_ x: Int, _ y: Int, _ kind: MouseEvent.Kind = .press) -> Key {
        .mouse(MouseEvent(kind, x: x, y: y))
    }

    // MARK: Filter

    @Test func slashStartsANewFilter() {
        var state = F.busy
        _ = press([.character("/")] + type("18080") + [.enter], on: &state)
        #expect(state.filter.text == "18080")
        _ = press([.character("/")] + type("stag"), on: &state)
        #expect(state.filter.text == "stag")
        #expect(state.visibleServers.map(\.name) == ["staging"])
    }

    @Test func theFilterFindsForwardNames() {
        var state = F.busy
        _ = press([.character("/")] + type("webhook") + [.enter], on: &state)
        #expect(state.visibleServers.map(\.name) == ["db"])
        #expect(state.visibleForwards.map(\.name) == ["webhook"])
    }

    @Test func theFilterEditsInTheMiddle() {
        var state = F.busy
        _ = press([.character("/")] + type("sging") + [.left, .left, .left, .left] + type("ta"), on: &state)
        #expect(state.filter.text == "staging")
        #expect(state.visibleServers.map(\.name) == ["staging"])
    }

    // MARK: Forms

    @Test func aTakenForwardNameIsFlaggedAsTyped() {
        var state = F.busy
        _ = press([.character("a"), .backTab] + type("redis"), on: &state)
        guard case .forwardForm(let form) = state.overlay else { Issue.record("no form"); return }
        let name = form.rows(document: state.document).first { $0.label == "Name" }
        #expect(name?.error == "db has a forward named redis already; choose another name")
        // Editing a forward keeps its own name without complaint.
        var editing = F.busy
        editing.selectedForward = "redis"
        _ = press([.character("e")], on: &editing)
        guard case .forwardForm(let own) = editing.overlay else { Issue.record("no form"); return }
        #expect(own.rows(document: editing.document).allSatisfy { $0.error == nil })
    }

    @Test func enterOnATakenNameSavesNothingAndGoesToTheName() {
        var state = F.busy
        let effects = press([.character("a"), .tab, .tab] + type("7000") + [.tab, .tab] + type("80") + [.tab] + type("redis") + [.tab, .enter],
                            on: &state)
        #expect(effects.allSatisfy { if case .save = $0 { return false } else { return true } })
        guard case .forwardForm(let form) = state.overlay else { Issue.record("the form closed"); return }
        #expect(form.focus == .name)
    }

    @Test func aTakenServerNameIsFlaggedAsTyped() {
        var state = F.busy
        _ = press([.character("A")] + type("lab"), on: &state)
        guard case .serverForm(let form) = state.overlay else { Issue.record("no form"); return }
        #expect(form.rows(document: state.document)[0].error == "A server named lab exists already; choose another name")
        _ = press([.backspace], on: &state)
        guard case .serverForm(let shorter) = state.overlay else { Issue.record("no form"); return }
        #expect(shorter.rows(document: state.document)[0].error == nil)
    }

    @Test func aPasteFillsAFieldAndRunsNoCommand() {
        var state = F.busy
        _ = press([.character("A"), .tab, .paste("deploy@db2.example.com:2222\n")], on: &state)
        guard case .serverForm(let form) = state.overlay else { Issue.record("the paste closed the form"); return }
        #expect(form.destination.text == "deploy@db2.example.com:2222")
        // On the main screen a paste is not keys: "q" in it does not quit, "d" does not delete.
        var main = F.busy
        #expect(press([.paste("qdd y")], on: &main).isEmpty)
        #expect(main.overlay == nil && !main.isQuitting)
    }

    // MARK: Log

    @Test func theLogOfAServerHasOnlyItsEvents() {
        var state = F.busy
        state.selectedForward = "metrics"
        _ = press([.space], on: &state)
        state.selectedServer = "archive"
        state.selectedForward = "L5000"
        _ = press([.space], on: &state)
        state.focus = .servers
        state.selectedServer = "archive"
        #expect(state.logEvents.map(\.text).contains("Switched archive/L5000 on."))
        #expect(!state.logEvents.map(\.text).contains("Switched db/metrics on."))
        _ = press([.character("L"), .character("a")], on: &state)
        #expect(state.logShowsAll)
        #expect(state.logEvents.map(\.text).contains("Switched db/metrics on."))
    }

    // MARK: Mouse

    /// busy at 80x24: servers on rows 2-5, forward table title on row 7,
    /// forwards from row 8 (postgres, socks, webhook, redis, admin, metrics).
    private var sized: AppState {
        var state = F.busy
        _ = state.reduce(.resized(width: 80, height: 24))
        return state
    }

    @Test func aClickOnTheSwitchTogglesThatForward() {
        var state = sized
        let effects = press([click(3, 13)], on: &state)
        #expect(effects == [.save(.setEnabled(ForwardReference(server: "db", forward: "metrics"), true))])
        #expect(state.selectedForward == "metrics")
    }

    @Test func aClickOnARowSelectsIt() {
        var state = sized
        #expect(press([click(20, 11)], on: &state).isEmpty)
        #expect(state.selectedForward == "redis")
        #expect(state.focus == .forwards)
        #expect(press([click(10, 3)], on: &state).isEmpty)
        #expect(state.focus == .servers)
        #expect(state.selectedServer == "staging")
    }

    @Test func theWheelMovesTheListUnderIt() {
        var state = sized
        _ = press([click(20, 10, .wheelDown), click(20, 10, .wheelDown)], on: &state)
        #expect(state.selectedForward == "webhook")
        _ = press([click(20, 2, .wheelDown)], on: &state)
        #expect(state.focus == .servers)
        #expect(state.selectedServer == "staging")
    }

    @Test func aClickOnTheKeyBarRunsItsCommand() {
        var state = sized
        // "Space on/off  Enter conns  a add  A server ...": "a add" is at columns 27-31.
        _ = press([click(29, 23)], on: &state)
        guard case .forwardForm = state.overlay else { Issue.record("a click on 'a add' opened no form"); return }
    }

    @Test func clicksOutsideADialogDoNothing() {
        var state = sized
        _ = press([.character("a")], on: &state)
        let form = state.overlay
        #expect(press([click(3, 13), click(0, 0), click(29, 23)], on: &state).isEmpty)
        #expect(state.overlay == form)
        #expect(state.servers[0].forward(named: "metrics")?.enabled == false)
    }

    /// As in htop: moving up from the bottom row moves the highlight; the
    /// table scrolls only once it reaches the top row.
    @Test func theTableScrollsOnlyWhenTheSelectionLeavesIt() {
        var state = F.busy
        _ = state.reduce(.resized(width: 80, height: 14))
        func firstShown() -> Int { MainLayout(state: state, width: 80, height: 14).forwardOffset }
        _ = press(Array(repeating: .down, count: 5), on: &state)
        #expect(state.selectedForward == "metrics")
        #expect(firstShown() == 4)
        _ = press([.up], on: &state)
        #expect(state.selectedForward == "admin")
        #expect(firstShown() == 4, "the highlight moved up; the table stayed")
        _ = press([.up], on: &state)
        #expect(firstShown() == 3, "past the top row the table scrolls")
        let screen = F.render(state, width: 80, height: 14)
        #expect(screen.lines.contains { $0.contains(" redis ") } && !screen.lines.contains { $0.contains(" metrics ") })
    }

    // MARK: Clipboard

    @Test func yCopiesTheAddressToUse() {
        var state = F.busy
        #expect(press([.character("y")], on: &state) == [.copy("127.0.0.1:5432")])
        #expect(state.events.last?.text.hasPrefix("Copied 127.0.0.1:5432 to the clipboard") == true)
        state.selectedForward = "socks"
        #expect(press([.character("y")], on: &state) == [.copy("socks5h://127.0.0.1:1080")])
        state.selectedForward = "webhook"
        #expect(press([.character("y")], on: &state) == [.copy("127.0.0.1:41873")])
        #expect(state.events.last?.text.contains("an address on db") == true)
        state.selectedForward = "admin"
        #expect(press([.character("y")], on: &state) == [.copy("127.0.0.1:8443")])
    }

    @Test func capitalYCopiesTheSshCommand() {
        var state = F.busy
        #expect(press([.character("Y")], on: &state) == [.copy("ssh -N -L 5432:localhost:5432 -i ~/.ssh/id_ed25519 deploy@db.example.com")])
        state.focus = .servers
        state.selectedServer = "staging"
        #expect(press([.character("Y")], on: &state) == [.copy("ssh -N -L 8080:127.0.0.1:80 -p 2222 -J bastion.example.com ci@staging.internal")])
        // A server's command holds the forwards that are on (db's metrics is off).
        state.selectedServer = "db"
        guard case .copy(let all) = press([.character("Y")], on: &state).first else { Issue.record("nothing copied"); return }
        #expect(all.contains("-D 1080") && !all.contains("9090"))
    }

    // MARK: Connections view

    private static func connection(_ id: UInt64, _ client: String, _ state: ConnectionStatus.State = .relaying,
                                   destination: String? = "localhost:5432", out: UInt64 = 0, in bytesIn: UInt64 = 0) -> ConnectionStatus {
        ConnectionStatus(id: id, client: client, destination: destination, openedAt: F.now.addingTimeInterval(-75),
                         bytesOut: out, bytesIn: bytesIn, state: state)
    }

    @Test func enterOnAForwardOpensItsConnectionsAndAsksTheEngine() {
        var state = F.busy
        let postgres = ForwardReference(server: "db", forward: "postgres")
        #expect(press([.enter], on: &state) == [.listConnections(postgres)])
        guard case .connections(let view) = state.overlay else { Issue.record("no connections view"); return }
        #expect(view.forward == postgres && !view.isLoaded)
        // On a server, Enter still goes to its forwards.
        var servers = F.busy
        servers.focus = .servers
        #expect(press([.enter], on: &servers).isEmpty)
        #expect(servers.focus == .forwards && servers.overlay == nil)
    }

    @Test func xClosesTheSelectedConnection() {
        var state = F.busy
        let postgres = ForwardReference(server: "db", forward: "postgres")
        _ = press([.enter], on: &state)
        _ = state.reduce(.connections(postgres, [Self.connection(7, "127.0.0.1:53122"), Self.connection(9, "127.0.0.1:53130")]))
        #expect(press([.down, .character("x")], on: &state) == [.closeConnection(postgres, id: 9)])
        guard case .connections(let closing) = state.overlay else { Issue.record("the view closed"); return }
        #expect(closing.closing == [9])
        _ = state.reduce(.connectionClosed(postgres, id: 9, problem: nil))
        #expect(state.events.last?.text == "Closed 127.0.0.1:53130 (connection 9) of db/postgres.")
        // The next list no longer has it: the selection moves to the row it was on.
        _ = state.reduce(.connections(postgres, [Self.connection(7, "127.0.0.1:53122")]))
        guard case .connections(let after) = state.overlay else { Issue.record("the view closed"); return }
        #expect(after.current?.id == 7 && after.closing.isEmpty)
        _ = state.reduce(.connectionClosed(postgres, id: 7, problem: "connection 7 is already closed"))
        #expect(state.events.last?.isProblem == true)
        #expect(press([.escape], on: &state).isEmpty)
        #expect(state.overlay == nil)
    }

    @Test func theMouseSelectsAndScrollsConnections() {
        var state = sized
        let postgres = ForwardReference(server: "db", forward: "postgres")
        _ = press([.enter], on: &state)
        _ = state.reduce(.connections(postgres, (1...3).map { Self.connection($0, "127.0.0.1:5300\($0)") }))
        // Rows from 5: a click on the third selects connection 3, the wheel moves up.
        _ = press([click(20, 7)], on: &state)
        guard case .connections(let clicked) = state.overlay else { Issue.record("the view closed"); return }
        #expect(clicked.current?.id == 3)
        _ = press([click(20, 7, .wheelUp)], on: &state)
        guard case .connections(let wheeled) = state.overlay else { Issue.record("the view closed"); return }
        #expect(wheeled.current?.id == 2)
    }

    @Test func aListForAnotherForwardIsNotTaken() {
        var state = F.busy
        _ = press([.enter], on: &state)
        _ = state.reduce(.connections(ForwardReference(server: "db", forward: "socks"), [Self.connection(1, "127.0.0.1:1")]))
        guard case .connections(let view) = state.overlay else { Issue.record("the view closed"); return }
        #expect(!view.isLoaded && view.connections.isEmpty)
    }
}
