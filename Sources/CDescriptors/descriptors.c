// See descriptors.h: the GNU calls that create descriptors with their flags
// set atomically.
#define _GNU_SOURCE
#include "descriptors.h"
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <sys/socket.h>
#include <spawn.h>
#include <sys/auxv.h>
#include <unistd.h>

int sluice_accept_cloexec(int listener) {
    return accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
}

int sluice_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC | O_NONBLOCK);
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

const char *sluice_glibc_version(void) {
    return gnu_get_libc_version();
}

int sluice_started_normally(void) {
    return getauxval(AT_BASE) != 0;
}
