#ifndef SLUICE_SESSION_SOCKET_H
#define SLUICE_SESSION_SOCKET_H

/// How libssh's session sockets are read: 256 KiB reads under libssh's
/// 4 KiB ones (see session_socket.c for how and why).

/// Starts handling `fd`, a connected session's socket; call it on the
/// thread that drives the session. Returns 0, or -1 if it cannot.
int sluice_session_socket_register(int fd);

/// Stops handling `fd` and drops what was read ahead. Closing the
/// descriptor does this too.
void sluice_session_socket_unregister(int fd);

/// 1 while `fd` is registered, else 0.
int sluice_session_socket_is_registered(int fd);

/// Kernel reads made for registered sockets so far (each up to 256 KiB).
unsigned long sluice_session_socket_kernel_reads(void);

/// The file the process-wide `recv` resolves to (this executable, while
/// the read-ahead is linked in), as the dynamic linker sees it.
const char *sluice_session_socket_recv_owner(void);

#endif
