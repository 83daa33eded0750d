import CSessionSocket
import Foundation
@testable import SluiceSSH
import Testing

/// The read-ahead under libssh's session reads: small reads served from
/// one big one, in order, with poll() telling the truth about what waits.
@Suite struct SessionSocketTests {
    /// A connected pair of stream sockets: `reader` registered for
    /// read-ahead, `writer` the far end.
    private struct Pair {
        let reader: Int32
        let writer: Int32

        init() throws {
            var fds: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
                throw TestFailure("socketpair: \(String(cString: strerror(errno)))")
            }
            reader = fds[0]
            writer = fds[1]
        }

        func write(_ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { send(writer, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                precondition(sent > 0)
                offset += sent
            }
        }

        func read(_ count: Int) -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: count)
            let got = buffer.withUnsafeMutableBytes { recv(reader, $0.baseAddress, $0.count, 0) }
            return got > 0 ? Array(buffer[0..<got]) : []
        }

        /// Reads what `reader` sent, at the far end.
        func readFromWriterSide(_ count: Int) -> Int {
            var buffer = [UInt8](repeating: 0, count: count)
            return buffer.withUnsafeMutableBytes { recv(writer, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        }

        /// Whether the kernel (not the read-ahead) still holds unread bytes:
        /// asked with recvfrom(), which the read-ahead does not replace (a
        /// recv() peek would be answered from memory).
        var kernelHasBytes: Bool {
            var byte: UInt8 = 0
            return recvfrom(reader, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT), nil, nil) == 1
        }

        func pollReadable(alsoPolling other: Int32? = nil) -> (count: Int32, readerEvents: Int16) {
            var fds = [pollfd(fd: reader, events: Int16(POLLIN), revents: 0)]
            if let other { fds.append(pollfd(fd: other, events: Int16(POLLIN), revents: 0)) }
            let count = poll(&fds, nfds_t(fds.count), 0)
            return (count, fds[0].revents)
        }
    }

    private struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private static func pattern(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
    }

    @Test func smallReadsComeFromOneBigReadInOrder() throws {
        let pair = try Pair()
        defer { close(pair.writer); close(pair.reader) }
        #expect(sluice_session_socket_register(pair.reader) == 0)
        let sent = Self.pattern(100_000)
        pair.write(sent)

        var received = pair.read(4096)
        #expect(received.count == 4096)
        // The first small read took everything the kernel had.
        #expect(!pair.kernelHasBytes)
        while received.count < sent.count {
            let piece = pair.read(4096)
            #expect(!piece.isEmpty)
            if piece.isEmpty { break }
            received += piece
        }
        let same = received == sent
        #expect(same, "the bytes came back changed or out of order")
    }

    @Test func pollReportsBytesWaitingInMemory() throws {
        let pair = try Pair()
        let idle = try Pair()
        defer { [pair.writer, pair.reader, idle.writer, idle.reader].forEach { close($0) } }
        #expect(sluice_session_socket_register(pair.reader) == 0)
        #expect(pair.pollReadable().count == 0)

        pair.write(Self.pattern(10_000))
        #expect(pair.read(4096).count == 4096)
        #expect(!pair.kernelHasBytes)
        // Readable alone (answered from memory) and beside a socket with nothing to read.
        #expect(pair.pollReadable() == (1, Int16(POLLIN)))
        #expect(pair.pollReadable(alsoPolling: idle.reader) == (1, Int16(POLLIN)))

        #expect(pair.read(8192).count == 10_000 - 4096)
        #expect(pair.pollReadable().count == 0)
    }

    @Test func endOfStreamAndCloseBehaveAsWithoutIt() throws {
        let pair = try Pair()
        #expect(sluice_session_socket_register(pair.reader) == 0)
        pair.write([1, 2, 3])
        close(pair.writer)
        #expect(pair.read(2) == [1, 2])
        #expect(pair.read(4096) == [3])
        #expect(pair.read(4096).isEmpty)

        #expect(sluice_session_socket_is_registered(pair.reader) == 1)
        close(pair.reader)
        // The number may now be reused by any other socket: it must not be read ahead.
        #expect(sluice_session_socket_is_registered(pair.reader) == 0)
    }

    /// libssh keeps its socket blocking; with the session's send timeout a
    /// send that does not fit returns within about a millisecond with what
    /// fitted (or EAGAIN when nothing did), so the session's thread never
    /// waits on a slow link. (libssh sends only after POLLOUT, so in the
    /// engine something always fits.)
    @Test func sessionSendsAreBounded() throws {
        let pair = try Pair()
        defer { close(pair.writer); close(pair.reader) }
        #expect(!SessionSocketSetup.prepare(pair.reader, readAhead: false))
        let chunk = [UInt8](repeating: 7, count: 65536)
        var total = 0
        var sawShortOrFull = false
        var slowest = 0.0
        // Nobody reads the far end: the kernel's buffer fills up.
        for _ in 0..<1000 {
            let started = Date()
            let sent = chunk.withUnsafeBytes { send(pair.reader, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            slowest = max(slowest, Date().timeIntervalSince(started))
            if sent < 0 {
                #expect(errno == EAGAIN || errno == EWOULDBLOCK, "errno \(errno)")
                sawShortOrFull = true
                break
            }
            total += sent
            if sent < chunk.count {
                sawShortOrFull = true
                break
            }
        }
        #expect(sawShortOrFull, "sent \(total) bytes without ever filling the buffer")
        // A hang guard, not a speed claim: without the timeout this send
        // would wait for ever.
        #expect(slowest < 1)
        var received = 0
        while received < total {
            let got = pair.readFromWriterSide(65536)
            #expect(got > 0)
            if got <= 0 { break }
            received += got
        }
        #expect(received == total)
    }

    /// Bytes already read ahead come first whatever the flags: a peek sees
    /// them without taking them, MSG_DONTWAIT takes them, and nothing is
    /// ever delivered out of order.
    @Test func readsWithFlagsServeBufferedBytesFirst() throws {
        let pair = try Pair()
        defer { close(pair.writer); close(pair.reader) }
        #expect(sluice_session_socket_register(pair.reader) == 0)
        let pattern = Self.pattern(20_000)
        pair.write(pattern)
        #expect(pair.read(100) == Array(pattern[0..<100]))
        var peeked = [UInt8](repeating: 0, count: 50)
        let peekCount = peeked.withUnsafeMutableBytes { recv(pair.reader, $0.baseAddress, $0.count, Int32(MSG_PEEK)) }
        #expect(peekCount == 50 && peeked == Array(pattern[100..<150]))
        var taken = [UInt8](repeating: 0, count: 50)
        let takenCount = taken.withUnsafeMutableBytes { recv(pair.reader, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        #expect(takenCount == 50 && taken == Array(pattern[100..<150]))
        var rest: [UInt8] = []
        while rest.count < pattern.count - 150 {
            let got = pair.read(4096)
            if got.isEmpty { break }
            rest += got
        }
        #expect(rest == Array(pattern[150...]))
    }

    /// The executable's recv() is the one every library calls (libssh
    /// included), not libc's: the dynamic linker resolves the name here.
    @Test func theProcessWideRecvIsThisOne() throws {
        let file = String(cString: sluice_session_socket_recv_owner())
        #expect(!file.isEmpty)
        #expect(!file.contains("libc.so"), "recv resolves to \(file)")
    }

    @Test func unregisteredSocketsAreUntouched() throws {
        let pair = try Pair()
        defer { close(pair.writer); close(pair.reader) }
        pair.write(Self.pattern(10_000))
        #expect(pair.read(4096).count == 4096)
        #expect(pair.kernelHasBytes)
    }
}
