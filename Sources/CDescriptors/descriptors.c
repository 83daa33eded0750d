// See descriptors.h: the GNU calls that create descriptors with their flags
// set atomically.
#define _GNU_SOURCE
#include "descriptors.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <spawn.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <unistd.h>

int sluice_accept_cloexec(int listener) {
    return accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
}

int sluice_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC | O_NONBLOCK);
}

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int sluice_mark_cloexec_from(int lowest) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned int)lowest, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return 0;
    if (errno != ENOSYS && errno != EINVAL) return -1;
#endif
    DIR *folder = opendir("/proc/self/fd");
    if (folder == NULL) return -1;
    int own = dirfd(folder);
    struct dirent *entry;
    while ((entry = readdir(folder)) != NULL) {
        char *end;
        long fd = strtol(entry->d_name, &end, 10);
        if (*end != '\0' || end == entry->d_name || fd < lowest || fd == own) continue;
        int flags = fcntl((int)fd, F_GETFD);
        if (flags >= 0 && !(flags & FD_CLOEXEC)) fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC);
    }
    closedir(folder);
    return 0;
}

int sluice_peer_uid(int socket, unsigned int *uid) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(socket, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    *uid = credentials.uid;
    return 0;
}

short sluice_posix_spawn_setsid_flag(void) {
    return POSIX_SPAWN_SETSID;
}

int sluice_spawn_add_chdir(void *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np((posix_spawn_file_actions_t *)actions, path);
}

int sluice_spawn_add_closefrom(void *actions, int lowest) {
#if defined(__GLIBC_PREREQ) && __GLIBC_PREREQ(2, 34)
    return posix_spawn_file_actions_addclosefrom_np((posix_spawn_file_actions_t *)actions, lowest);
#else
    (void)actions;
    (void)lowest;
    return ENOSYS;
#endif
}

const char *sluice_glibc_version(void) {
    return gnu_get_libc_version();
}

int sluice_started_normally(void) {
    return getauxval(AT_BASE) != 0;
}

int sluice_random_bytes(void *buffer, unsigned long length) {
    unsigned long filled = 0;
    while (filled < length) {
        ssize_t count = getrandom((char *)buffer + filled, length - filled, 0);
        if (count > 0) {
            filled += (unsigned long)count;
        } else if (count < 0 && errno != EINTR) {
            return -1;
        }
    }
    return 0;
}
