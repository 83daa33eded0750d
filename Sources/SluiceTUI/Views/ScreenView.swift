import Foundation
import SluiceCore

/// Draws the whole screen from the state: the main view, then whatever
/// dialog is open on top of it. A pure function of its inputs.
public struct ScreenView {
    public var state: AppState
    public var symbols: Symbols
    public var timeZone: TimeZone

    public init(state: AppState, symbols: Symbols, timeZone: TimeZone = .current) {
        self.state = state
        self.symbols = symbols
        self.timeZone = timeZone
    }

    public func render(width: Int, height: Int) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: width, height: height)
        guard width >= 20, height >= 6 else {
            buffer.write("Sluice needs at least 20x6", x: 0, y: 0, role: .warning, ellipsis: symbols.ellipsis)
            return buffer
        }
        MainView(state: state, symbols: symbols, timeZone: timeZone).draw(into: &buffer)
        let dialogs = DialogView(state: state, symbols: symbols, timeZone: timeZone)
        switch state.overlay {
        case .help: dialogs.drawHelp(into: &buffer)
        case .log: dialogs.drawLog(into: &buffer)
        case .confirm(let confirmation): dialogs.drawConfirmation(confirmation, into: &buffer)
        case .serverForm(let form): dialogs.drawForm(title: form.title, rows: form.rows(document: state.document), error: form.saveError, into: &buffer)
        case .forwardForm(let form):
            dialogs.drawForm(title: form.title, rows: form.rows(document: state.document), error: form.saveError, into: &buffer)
        case .connections(let view): ConnectionTableView(state: state, view: view, symbols: symbols).draw(into: &buffer)
        case nil: break
        }
        if let prompt = state.prompts.first { dialogs.drawPrompt(prompt, into: &buffer) }
        if state.isQuitting && state.stopsForwardsOnQuit { dialogs.drawClosing(into: &buffer) }
        return buffer
    }
}
