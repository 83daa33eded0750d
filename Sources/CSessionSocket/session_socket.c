// libssh 0.10's session socket, read the way a fast tunnel needs: the one
// place Sluice replaces libc functions, and it can be switched off
// (SLUICE_READ_AHEAD=0; see SSHSession.startPumping, which registers
// sockets only with libssh 0.10.x, the version this was verified against).
//
// libssh reads its socket 4,096 bytes per poll(): ssh_event_dopoll() polls
// the socket, then ssh_socket_pollcallback() calls recv() for at most
// MAX_BUF_SIZE (4 KiB) bytes, then polls again. Receiving 1 GiB takes
// 262,144 poll() and 262,144 recv() calls, and the build offers no setting
// to change that. OpenSSH reads 32 KiB and more per call.
// docs/libssh-socket-reads-and-writes.patch is the change to libssh that would
// make this file unnecessary.
//
// Sluice defines recv(), poll() and close() in its own executable, which
// the dynamic linker prefers over libc's for every library, libssh
// included. For a socket registered here (a session's, once connected):
// - recv() takes up to 256 KiB from the kernel in one call and hands libssh
//   its 4 KiB pieces from memory;
// - poll() reports the socket readable while bytes wait in memory, without
//   asking the kernel when nothing else is polled.
// Every other descriptor goes straight to libc. (libssh writes with send(),
// not replaced: SO_SNDTIMEO of 1 ms on the session socket keeps a flush
// from blocking the session's thread; libssh writes only after POLLOUT, so
// such a send returns what fitted.)
//
// Rules that keep this correct:
// - A registered socket is read by libssh through recv() (it uses read()
//   only for descriptors that are not sockets), and only by its session's
//   thread, so the buffer needs no lock; the table itself is atomic for
//   the other threads' lookups. A recv() with flags is served from memory
//   first too (MSG_PEEK without taking), so bytes are never reordered;
//   only MSG_OOB goes to the kernel.
// - close() of a registered descriptor drops its buffer first, so a number
//   reused for another socket never sees stale bytes.
// - Each read of the kernel also asks for an immediate ACK (see recv()).
// - poll() never invents POLLOUT: for a socket with bytes in memory it
//   reports POLLIN only, and writability waits for the next real poll().
#define _GNU_SOURCE
#include "session_socket.h"
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

enum { table_size = 65536, read_ahead_capacity = 256 * 1024 };

struct read_ahead {
    // Page-aligned: the kernel's copy into it runs at full speed.
    _Alignas(4096) unsigned char bytes[read_ahead_capacity];
    size_t start;
    size_t end;
};

static _Atomic(struct read_ahead *) table[table_size];
/// Lets every unregistered process-wide call skip the table.
static atomic_int registered_count;

typedef ssize_t (*recv_function)(int, void *, size_t, int);
typedef int (*poll_function)(struct pollfd *, nfds_t, int);
typedef int (*close_function)(int);

/// Kernel reads made for registered sockets, for tests to see that
/// libssh's calls really come here.
static atomic_ulong kernel_reads;

// libc's own function `name`, found once into `cache`; RTLD_NEXT skips
// this executable. NULL where there is no such libc (a static build): the
// callers then make the system call themselves.
static void *libc_function(_Atomic(void *) *cache, const char *name) {
    void *function = atomic_load(cache);
    if (function == NULL) {
        function = dlsym(RTLD_NEXT, name);
        atomic_store(cache, function);
    }
    return function;
}

static _Atomic(void *) found_recv, found_poll, found_close;

static ssize_t libc_recv(int fd, void *buffer, size_t length, int flags) {
    recv_function function = (recv_function)libc_function(&found_recv, "recv");
    if (function != NULL) return function(fd, buffer, length, flags);
    return syscall(SYS_recvfrom, fd, buffer, length, flags, NULL, NULL);
}

static int libc_poll(struct pollfd *fds, nfds_t count, int timeout) {
    poll_function function = (poll_function)libc_function(&found_poll, "poll");
    if (function != NULL) return function(fds, count, timeout);
    struct timespec limit = {timeout / 1000, (long)(timeout % 1000) * 1000000};
    return (int)syscall(SYS_ppoll, fds, count, timeout < 0 ? NULL : &limit, NULL, (size_t)8);
}

static int libc_close(int fd) {
    close_function function = (close_function)libc_function(&found_close, "close");
    if (function != NULL) return function(fd);
    return (int)syscall(SYS_close, fd);
}

unsigned long sluice_session_socket_kernel_reads(void) {
    return atomic_load(&kernel_reads);
}

const char *sluice_session_socket_recv_owner(void) {
    Dl_info info;
    void *resolved = dlsym(RTLD_DEFAULT, "recv");
    if (resolved == NULL || dladdr(resolved, &info) == 0 || info.dli_fname == NULL) return "";
    return info.dli_fname;
}

static struct read_ahead *lookup(int fd) {
    if (fd < 0 || fd >= table_size || atomic_load_explicit(&registered_count, memory_order_relaxed) == 0) {
        return NULL;
    }
    return atomic_load_explicit(&table[fd], memory_order_acquire);
}

static int has_bytes(const struct read_ahead *ahead) {
    return ahead != NULL && ahead->start < ahead->end;
}

int sluice_session_socket_register(int fd) {
    if (fd < 0 || fd >= table_size) return -1;
    struct read_ahead *ahead = aligned_alloc(4096, sizeof *ahead);
    if (ahead == NULL) return -1;
    ahead->start = 0;
    ahead->end = 0;
    struct read_ahead *previous = atomic_exchange(&table[fd], ahead);
    if (previous != NULL) {
        free(previous);
    } else {
        atomic_fetch_add(&registered_count, 1);
    }
    return 0;
}

void sluice_session_socket_unregister(int fd) {
    if (fd < 0 || fd >= table_size) return;
    struct read_ahead *previous = atomic_exchange(&table[fd], NULL);
    if (previous != NULL) {
        free(previous);
        atomic_fetch_sub(&registered_count, 1);
    }
}

int sluice_session_socket_is_registered(int fd) {
    return lookup(fd) != NULL;
}

/// Flags a read ahead may be made with; any other (MSG_TRUNC, MSG_WAITALL,
/// ...) goes to the kernel as asked once nothing waits in memory.
enum { read_ahead_flags = MSG_DONTWAIT | MSG_NOSIGNAL | MSG_CMSG_CLOEXEC };

ssize_t recv(int fd, void *buffer, size_t length, int flags) {
    struct read_ahead *ahead = lookup(fd);
    // Out-of-band data and the error queue are not the byte stream.
    if (ahead == NULL || (flags & (MSG_OOB | MSG_ERRQUEUE))) return libc_recv(fd, buffer, length, flags);
    if (!has_bytes(ahead)) {
        // A peek, or a read with flags the read-ahead does not make, goes
        // to the kernel as asked: nothing waits in memory to come first.
        if (flags & ~read_ahead_flags) return libc_recv(fd, buffer, length, flags);
        // As the caller's own call would: blocking if the socket is (or
        // not, with MSG_DONTWAIT), and EOF or an error passed on as they
        // come, errno untouched.
        ssize_t count = libc_recv(fd, ahead->bytes, read_ahead_capacity, flags);
        if (count <= 0) return count;
        atomic_fetch_add_explicit(&kernel_reads, 1, memory_order_relaxed);
        // Acknowledge at once what was just read. sshd leaves Nagle on for
        // sessions without a terminal, so the small tail of a reply (or a
        // channel close) waits until our last segment is acknowledged; a
        // delayed ACK would hold it up to 40 ms. Linux forgets the setting
        // as it goes, hence once per read. Harmless where unsupported.
        int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
        ahead->start = 0;
        ahead->end = (size_t)count;
    }
    size_t available = ahead->end - ahead->start;
    size_t count = length < available ? length : available;
    memcpy(buffer, ahead->bytes + ahead->start, count);
    if (!(flags & MSG_PEEK)) ahead->start += count;
    return (ssize_t)count;
}

int poll(struct pollfd *fds, nfds_t count, int timeout) {
    nfds_t buffered = 0;
    if (atomic_load_explicit(&registered_count, memory_order_relaxed) > 0) {
        for (nfds_t i = 0; i < count; i++) {
            if ((fds[i].events & POLLIN) && has_bytes(lookup(fds[i].fd))) buffered++;
        }
    }
    if (buffered == 0) return libc_poll(fds, count, timeout);
    if (buffered == count) {
        // Only sockets with bytes in memory (libssh polling its session):
        // no need to ask the kernel.
        for (nfds_t i = 0; i < count; i++) fds[i].revents = POLLIN;
        return (int)count;
    }
    // Something is ready now, so the others are only looked at, not waited for.
    int result = libc_poll(fds, count, 0);
    if (result < 0) return result;
    int ready = 0;
    for (nfds_t i = 0; i < count; i++) {
        if ((fds[i].events & POLLIN) && has_bytes(lookup(fds[i].fd))) fds[i].revents |= POLLIN;
        if (fds[i].revents != 0) ready++;
    }
    return ready;
}

int close(int fd) {
    if (lookup(fd) != NULL) sluice_session_socket_unregister(fd);
    return libc_close(fd);
}
