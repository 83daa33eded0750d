#ifndef SLUICE_DESCRIPTORS_H
#define SLUICE_DESCRIPTORS_H

/// Descriptors that are close-on-exec and non-blocking from the moment they
/// exist: setting the flags afterwards with fcntl() leaves a window in which
/// a child started by another thread inherits them. accept4() and pipe2()
/// are GNU extensions Swift's Glibc module does not import.

/// accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK): the new
/// socket, or -1 with errno set.
int sluice_accept_cloexec(int listener);

/// pipe2(fds, O_CLOEXEC | O_NONBLOCK): 0, or -1 with errno set.
int sluice_pipe_cloexec(int fds[2]);

/// Marks every descriptor from `lowest` up close-on-exec, in one call
/// (close_range with CLOSE_RANGE_CLOEXEC, Linux 5.11; a walk of
/// /proc/self/fd on older kernels). For descriptors a library creates
/// without the flag and without handing out their numbers (swift-nio's
/// sockets and epoll): called right after each one appears. 0, or -1.
int sluice_mark_cloexec_from(int lowest);

/// The user id of the process at the other end of a Unix socket
/// (SO_PEERCRED, as the kernel recorded it at connect()): 0 with *uid set,
/// or -1 with errno set.
int sluice_peer_uid(int socket, unsigned int *uid);

/// POSIX_SPAWN_SETSID (glibc 2.26): the child starts a session of its own,
/// with no controlling terminal, so it outlives the terminal it came from.
short sluice_posix_spawn_setsid_flag(void);

/// posix_spawn_file_actions_addchdir_np (glibc 2.29): the child starts
/// in `path`. 0, or an error number.
int sluice_spawn_add_chdir(void *actions, const char *path);

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34): every
/// descriptor from `lowest` up is closed in the child, whatever its
/// flags, so a child gets none that its parent inherited or that another
/// thread opened without close-on-exec. 0, or an error number (ENOSYS
/// where glibc lacks it).
int sluice_spawn_add_closefrom(void *actions, int lowest);

/// gnu_get_libc_version(): "2.36".
const char *sluice_glibc_version(void);

/// 1 when this program was started by the kernel with the dynamic loader
/// as its interpreter (AT_BASE set), 0 when the loader was run directly
/// (`ld-linux.so ./sluice`), where /proc/self/exe is the loader.
int sluice_started_normally(void);

/// getrandom(buffer, length, 0) until all `length` bytes are filled (the
/// kernel's random source; sys/random.h is another header Swift's Glibc
/// module does not import). 0, or -1 with errno set.
int sluice_random_bytes(void *buffer, unsigned long length);

#endif
