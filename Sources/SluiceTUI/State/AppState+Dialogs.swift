import SluiceCore

/// Keys inside the forms and the engine's questions.
extension AppState {
    mutating func handleServerFormKey(_ key: Key, _ form: ServerForm) -> [Effect] {
        var form = form
        let fields = ServerForm.Field.allCases
        switch key {
        case .escape:
            overlay = nil
            return []
        case .tab, .down, .backTab, .up:
            form.focus = Self.cycle(fields, from: form.focus, forward: key == .tab || key == .down)
        case .enter:
            form.triedToSave = true
            guard let server = form.server, form.takenName(in: document) == nil else {
                form.focus = fields.first { form.problem(in: $0, strict: true) != nil } ?? .name
                break
            }
            let change: StoreChange = form.editing.map { .editServer(name: $0, to: server) } ?? .addServer(server)
            if let error = commit(change) {
                form.saveError = error.description
                break
            }
            overlay = nil
            selectedServer = server.name
            if form.editing == nil {
                focus = .forwards
                selectedForward = nil
                note("Saved server \(server.name). Press a to add a forward.", server: server.name)
            } else {
                note("Saved server \(server.name).", server: server.name)
            }
            return [.save(change)]
        default:
            form.saveError = nil
            _ = form.edit(form.focus, with: key)
        }
        overlay = .serverForm(form)
        return []
    }

    mutating func handleForwardFormKey(_ key: Key, _ form: ForwardForm) -> [Effect] {
        var form = form
        switch key {
        case .escape:
            overlay = nil
            return []
        case .tab, .down, .backTab, .up:
            form.focus = Self.cycle(form.fields, from: form.focus, forward: key == .tab || key == .down)
        case .enter:
            form.triedToSave = true
            guard var forward = form.forward, let server = currentServer(named: form.server), form.takenName(in: document) == nil else {
                form.focus = form.fields.first { form.problem(in: $0, strict: true) != nil } ?? (form.takenName(in: document) != nil ? .name : form.focus)
                break
            }
            if forward.name.isEmpty {
                var others = server
                if let editing = form.editing { others.forwards.removeAll { $0.name == editing.forward } }
                forward.name = others.unusedName(for: forward.spec)
            }
            let change: StoreChange = form.editing.map { .editForward($0, to: forward) } ?? .addForward(server: server.name, forward)
            if let error = commit(change) {
                form.saveError = error.description
                break
            }
            overlay = nil
            focus = .forwards
            selectedServer = server.name
            selectedForward = forward.name
            let reference = ForwardReference(server: server.name, forward: forward.name)
            note("Saved \(reference): \(forward.spec) (\(forward.spec.route)).", server: server.name)
            return [.save(change)]
        default:
            form.saveError = nil
            if form.focus == .kind {
                switch key {
                case .left: form.cycleKind(by: -1)
                case .right, .space: form.cycleKind(by: 1)
                default: break
                }
            } else {
                _ = form.edit(form.focus, with: key)
            }
        }
        let effects = portCheck(for: &form)
        overlay = .forwardForm(form)
        return effects
    }

    /// A test bind of the local port once it is typed in full, unless it
    /// was already asked for or is this forward's own port. The answer
    /// arrives as `Action.portChecked`.
    private func portCheck(for form: inout ForwardForm) -> [Effect] {
        guard let local = form.localListen else { return [] }
        if let check = form.portCheck, check.host == local.host, check.port == local.port { return [] }
        if let editing = form.editing, let saved = servers.first(where: { $0.name == editing.server })?.forward(named: editing.forward),
           saved.spec.listen.bindAddress == local.host, saved.spec.listen.port == local.port {
            return []
        }
        form.portCheck = ForwardForm.PortCheck(host: local.host, port: local.port, problem: nil)
        return [.checkPort(host: local.host, port: local.port)]
    }

    mutating func handlePromptKey(_ key: Key, at time: ContinuousClock.Instant) -> [Effect] {
        var dialog = prompts[0]
        guard dialog.takesKeys(readAt: time) else { return [] }
        switch key {
        case .escape:
            return answer(.cancelled, at: time)
        case .enter where dialog.focus < dialog.fields.count - 1:
            dialog.focus += 1
        case .enter:
            guard let reply = dialog.typedAnswer else {
                dialog.fields[dialog.focus] = TextField()
                dialog.isAnswerUnclear = true
                break
            }
            return answer(reply, at: time)
        case .tab, .down:
            dialog.focus = (dialog.focus + 1) % max(1, dialog.fields.count)
        case .backTab, .up:
            dialog.focus = (dialog.focus - 1 + max(1, dialog.fields.count)) % max(1, dialog.fields.count)
        default:
            if dialog.fields.indices.contains(dialog.focus) { _ = dialog.fields[dialog.focus].edit(with: key) }
        }
        prompts[0] = dialog
        return []
    }

    /// Sends `reply` and brings the next question, if any, on screen: its
    /// guard starts now, so an answer to one is not taken for the next.
    private mutating func answer(_ reply: PromptAnswer, at time: ContinuousClock.Instant) -> [Effect] {
        let dialog = prompts.removeFirst()
        if !prompts.isEmpty { prompts[0].shownSince = time }
        switch reply {
        case .cancelled: note("Answered no to \(dialog.server)'s question.", server: dialog.server)
        case .acceptAndSaveHostKey: note("Trusted \(dialog.server)'s host key and saved it to known_hosts.", server: dialog.server)
        case .acceptHostKeyOnce: note("Trusted \(dialog.server)'s host key for this session only.", server: dialog.server)
        default: break
        }
        return [.answer(promptID: dialog.id, reply)]
    }

    private func currentServer(named name: String) -> Server? {
        servers.first { $0.name == name }
    }

    private static func cycle<Field: Equatable>(_ fields: [Field], from current: Field, forward: Bool) -> Field {
        guard let index = fields.firstIndex(of: current) else { return fields.first ?? current }
        return fields[(index + (forward ? 1 : fields.count - 1)) % fields.count]
    }
}
