#ifndef SLUICE_SESSION_READ_AHEAD_H
#define SLUICE_SESSION_READ_AHEAD_H

/// Read-ahead for SSH session sockets: libssh's 4 KiB reads served from
/// 256 KiB ones (see session_read_ahead.c for how and why).

/// Starts reading ahead on `fd`, a connected session's socket; call it on
/// the thread that drives the session. Returns 0, or -1 if it cannot.
int sluice_read_ahead_register(int fd);

/// Stops reading ahead on `fd` and drops what was read ahead. Closing the
/// descriptor does this too.
void sluice_read_ahead_unregister(int fd);

/// 1 while `fd` is registered, else 0.
int sluice_read_ahead_is_registered(int fd);

#endif
