import Foundation
import NIOCore
import NIOWebSocket
import SluiceCore
import SluiceNIOSupport

/// Relays one upgraded WebSocket to its service's TCP connection: binary
/// frames in, bytes out, and back. It sits last in the WebSocket's
/// pipeline; `TargetSideHandler` in the target's pipeline calls into it.
/// Both channels share one event loop, so nothing here needs a lock.
///
/// Backpressure both ways (NIO's proxy pattern): a side is read only while
/// the other can take what it would bring, so a slow or stalled peer holds
/// at most a high-water mark of bytes here, never an unbounded queue.
///
/// With `sluice.v2` one WebSocket carries one connection after another:
/// each gets its own connection to the target and its own log line.
final class StreamRelay: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// Per channel: past 256 KiB queued, the other side stops being read.
    static let waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 64 << 10, high: 256 << 10)
    /// One read of the client's socket per wakeup, not swift-nio's four:
    /// the relay hears that the target is past its high-water mark only
    /// between wakeups, and with four reads of 256 KiB the agent's page
    /// faults during an upload jumped now and then from a few hundred to
    /// 8,000 to 130,000 per GiB (4 of 16 runs; none of 16 with one read,
    /// alternating). Why four reads lead to fresh buffers is not pinned
    /// down: keeping ten buffers instead of six did not help.
    static let clientReadsPerWakeup: UInt = 1

    /// Seconds a client has to answer our close frame, and the target to
    /// take what is queued for it before it is closed.
    static let closeWait: Double = 2

    private var machine: RelayStateMachine
    private var watch = ClientWatch()
    private let plan: ForwardPlan
    private let dialer: TargetDialer
    private let settings: Settings
    private var ledger: StreamLedger
    private let registry: StreamRegistry
    private let report: @Sendable (AgentEvent) -> Void

    private var context: ChannelHandlerContext?
    private var target: TargetSideHandler?
    /// The client's data, unmasked into buffers used again once the target
    /// has taken them (about what its high-water mark holds).
    private let recycler = BufferRecycler(limit: 6)
    /// The client's data from the read under way, passed on when the read
    /// ends or before any frame that is not data.
    private var unmasked = UnmaskedRead()
    /// Client data that came before the target was connected.
    private var held: [ByteBuffer] = []
    private var readGate = ClientReadGate()
    private var insideTextMessage = false
    private var closeWrite: EventLoopFuture<Void>?
    private var timers: [Scheduled<Void>] = []
    private var problem: String?
    private var reported = false

    init(plan: ForwardPlan, dialer: TargetDialer, settings: Settings, client: String, registry: StreamRegistry,
         report: @escaping @Sendable (AgentEvent) -> Void) {
        self.plan = plan
        self.dialer = dialer
        self.settings = settings
        ledger = StreamLedger(client: client, route: plan.route)
        self.registry = registry
        self.report = report
        machine = RelayStateMachine(halfClose: plan.halfClose, reuse: plan.reuse)
    }

    // MARK: The client's side

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        registry.add(self, channel: context.channel)
        startKeepalive(context)
        connectTarget()
    }

    private func connectTarget() {
        guard let context else { return }
        let relay = NIOLoopBound(self, eventLoop: context.eventLoop)
        dialer.connect(on: context.eventLoop) { channel in
            CloseOnExec.markAll()
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(TargetSideHandler(relay: relay.value, recycler: relay.value.recycler))
            }
        }.whenFailure { error in
            let reason = (error as? TargetDialError)?.reason ?? "cannot connect: \(error)"
            relay.value.targetUnreachable(reason)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        passOnUnmasked()
        apply(machine.clientGone())
        finishReport()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finishReport()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        watch.heard()
        let carriesData = (frame.opcode == .binary || frame.opcode == .continuation) && frame.data.readableBytes > 0
        if !carriesData { passOnUnmasked() }
        guard frame.maskKey != nil, !frame.rsv1, !frame.rsv2, !frame.rsv3 else {
            passOnUnmasked()
            let problem = frame.maskKey == nil ? "frames from a client must be masked (RFC 6455)" : "reserved bits set, but no extension was agreed"
            return fail(CloseFrame.protocolError, problem)
        }
        switch frame.opcode {
        case .binary, .continuation:
            if frame.opcode == .continuation && insideTextMessage { return }
            if carriesData {
                unmask(frame, allocator: context.channel.allocator)
            } else if frame.opcode == .binary && frame.fin && machine.halfClose {
                apply(machine.clientEnd())
            }
        case .text:
            if machine.reuse, frame.fin, frame.unmaskedData.readableBytesView.elementsEqual(AgentSubprotocol.next.utf8) {
                return apply(machine.clientNext())
            }
            insideTextMessage = !frame.fin
            fail(CloseFrame.unacceptableData, "text frames are not part of this protocol: send binary frames")
        case .connectionClose:
            var data = frame.unmaskedData
            let code = data.readInteger(as: UInt16.self)
            apply(machine.clientClose(code: code))
        case .ping:
            // Once our close frame is out, nothing more may follow it.
            guard machine.closeSent == nil else { return }
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            break
        default:
            fail(CloseFrame.protocolError, "unknown opcode \(frame.opcode)")
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        passOnUnmasked()
        target?.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        passOnUnmasked()
        switch error {
        case NIOWebSocketError.invalidFrameLength:
            fail(CloseFrame.policyViolation, "a frame over the \(settings.maxFrameSize >> 20) MiB limit")
        case is NIOWebSocketError:
            fail(CloseFrame.protocolError, "a malformed frame")
        default:
            // A reset or a TLS failure: the connection is going, and
            // channelInactive follows.
            problem = problem ?? "the client's connection failed: \(error)"
            context.close(promise: nil)
        }
    }

    /// Reads from the client only while the target can take more, and
    /// always while closing (the client's close frame must get through).
    func read(context: ChannelHandlerContext) {
        if readGate.ask(in: machine.phase, targetWritable: target?.isWritable ?? false) { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            // It took what we sent: alive, whatever its pings say.
            watch.heard()
            target?.resumeReading()
        }
        context.fireChannelWritabilityChanged()
    }

    var clientIsWritable: Bool { context?.channel.isWritable ?? false }

    private func unmask(_ frame: WebSocketFrame, allocator: ByteBufferAllocator) {
        if let full = unmasked.append(frame, recycler: recycler, allocator: allocator) { clientSent(full) }
    }

    private func passOnUnmasked() {
        if let data = unmasked.take() { clientSent(data) }
    }

    private func clientSent(_ data: ByteBuffer) {
        switch machine.clientData() {
        case .forward:
            ledger.carriedIn(data.readableBytes)
            target?.write(data)
        case .hold:
            held.append(data)
        case .drop:
            break
        case .refuse(let actions):
            apply(actions)
        }
    }

    // MARK: The target's side (called by TargetSideHandler)

    func targetActive(_ handler: TargetSideHandler) {
        target = handler
        let actions = machine.targetConnected()
        // sluice.v1's "ready": an unsolicited pong, which any client may
        // ignore (RFC 6455, 5.5.3), and on which Sluice's client hands a
        // pre-opened stream to a local client at once.
        if machine.halfClose, machine.phase == .relaying, let context {
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: context.channel.allocator.buffer(capacity: 0))),
                                  promise: nil)
        }
        if machine.phase == .relaying {
            for data in held {
                ledger.carriedIn(data.readableBytes)
                handler.write(data)
            }
            held = []
            handler.flush()
        }
        apply(actions)
        resumeClientIfPossible()
    }

    func targetUnreachable(_ reason: String) {
        problem = reason
        apply(machine.targetUnreachable(reason))
    }

    func targetSent(_ data: ByteBuffer) {
        guard machine.phase == .relaying, let context else { return }
        ledger.carriedOut(data.readableBytes)
        var data = data
        while data.readableBytes > 0 {
            let piece = data.readSlice(length: min(data.readableBytes, settings.maxFrameSize))!
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .binary, data: piece)), promise: nil)
        }
    }

    func targetReadComplete() {
        context?.flush()
    }

    func targetEnded() {
        apply(machine.targetEnd())
    }

    func targetFailed(_ error: Error) {
        if let error = error as? IOError, error.errnoCode == ECONNRESET || error.errnoCode == EPIPE {
            problem = problem ?? "the service reset the connection (\(dialer.target.shown))"
        } else {
            problem = problem ?? "the connection to \(dialer.target.shown) failed: \(error)"
        }
    }

    func targetInactive() {
        apply(machine.targetGone(problem: problem))
        target = nil
    }

    func targetWritabilityChanged(_ writable: Bool) {
        if writable { resumeClientIfPossible() }
    }

    // MARK: Shutdown and keepalive

    func agentStopping() {
        let actions = machine.agentStopping()
        if case .sendClose(let frame)? = actions.first { problem = problem ?? frame.reason }
        apply(actions)
    }

    /// Shutdown began; true if this WebSocket was between connections
    /// (and so closes now, with nothing to drain).
    func agentDraining() -> Bool {
        let wasIdle = machine.phase == .idle
        apply(machine.agentDraining())
        return wasIdle
    }

    private func startKeepalive(_ context: ChannelHandlerContext) {
        let relay = NIOLoopBound(self, eventLoop: context.eventLoop)
        watch.start(interval: settings.keepalive, on: context.eventLoop) { relay.value.keepaliveTick() }
    }

    private func keepaliveTick() {
        guard let context, [.relaying, .connecting, .idle].contains(machine.phase) else { return }
        // While we hold the client back (the target is slow), its silence
        // is ours to explain, not a sign it is gone.
        if readGate.holding { watch.heard() }
        switch watch.step() {
        case .ping:
            var payload = context.channel.allocator.buffer(capacity: 8)
            payload.writeInteger(UInt64(NIODeadline.now().uptimeNanoseconds))
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: payload)), promise: nil)
        case .giveUp:
            problem = problem ?? "the client did not answer a ping within \(settings.keepaliveShown)"
            apply(machine.clientUnresponsive())
        case .wait, nil:
            break
        }
    }

    // MARK: Doing what the state machine says

    private func fail(_ code: UInt16, _ reason: String) {
        problem = problem ?? reason
        apply(machine.clientBroke(code: code, reason: reason))
    }

    private func apply(_ actions: [RelayStateMachine.Action]) {
        for action in actions {
            switch action {
            case .shutdownTargetOutput:
                target?.shutdownOutput()
            case .sendEnd:
                guard let context else { continue }
                context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer())), promise: nil)
            case .sendClose(let frame):
                sendClose(frame)
            case .closeTarget:
                target?.closeAfterWrites(within: Self.closeWait)
            case .releaseTarget:
                connectionEnded()
            case .connectTarget:
                ledger.connectionStarted()
                connectTarget()
            case .closeClient:
                closeClient()
            }
        }
    }

    private func sendClose(_ frame: CloseFrame) {
        guard let context else { return }
        var payload = context.channel.allocator.buffer(capacity: 2 + frame.wireReason.utf8.count)
        payload.writeInteger(frame.code)
        payload.writeString(frame.wireReason)
        closeWrite = context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)))
        if machine.phase == .closing {
            let relay = NIOLoopBound(self, eventLoop: context.eventLoop)
            timers.append(context.eventLoop.scheduleTask(in: .milliseconds(Int64(Self.closeWait * 1000))) {
                relay.value.closeWaitExpired()
            })
        }
        resumeClientIfPossible()
    }

    private func closeWaitExpired() {
        apply(machine.clientUnresponsive())
    }

    private func closeClient() {
        guard let context else { return }
        let channel = context.channel
        if let closeWrite {
            closeWrite.whenComplete { _ in channel.close(promise: nil) }
        } else {
            channel.close(promise: nil)
        }
    }

    private func resumeClientIfPossible() {
        guard let context, readGate.release(in: machine.phase, targetWritable: target?.isWritable ?? false) else { return }
        context.read()
    }

    /// `sluice.v2`: this connection is over and the WebSocket stays. The
    /// target's connection goes (its events no longer reach this relay),
    /// and the connection gets its log line.
    private func connectionEnded() {
        target?.detach()
        target?.closeAfterWrites(within: Self.closeWait)
        target = nil
        report(.streamClosed(ledger.connectionEnded()))
        // The client's next frame (its `next`, or its close) must be read,
        // even if it was held back while the target was slow.
        resumeClientIfPossible()
    }

    private func finishReport() {
        guard !reported else { return }
        reported = true
        watch.stop()
        timers.forEach { $0.cancel() }
        timers = []
        target?.closeAfterWrites(within: Self.closeWait)
        registry.remove(self)
        let code = machine.closeSent?.code ?? (machine.closeReceived ? CloseFrame.echo(of: machine.clientCloseCode) : nil)
        if let line = ledger.closed(closeCode: code, problem: problem) { report(.streamClosed(line)) }
    }
}
