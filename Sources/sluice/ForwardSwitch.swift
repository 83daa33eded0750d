import SluiceCore

/// What enable and disable share: save the switch and say what happened.
enum ForwardSwitch {
    static func set(_ enabled: Bool, _ text: String, in store: Store) throws {
        let reference = try ForwardReference(parsing: text)
        let changed = try store.update { document in try document.setEnabled(enabled, for: reference) }
        let state = enabled ? "on" : "off"
        Console.say(changed ? "Switched \(reference) \(state)." : "\(reference) was already \(state).")
    }
}
