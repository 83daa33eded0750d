// See descriptors.h: the GNU calls that create descriptors with their flags
// set atomically.
#define _GNU_SOURCE
#include "descriptors.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

int sluice_accept_cloexec(int listener) {
    return accept4(listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
}

int sluice_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC | O_NONBLOCK);
}
