#define _GNU_SOURCE
#include <sched.h>

#include "network_namespace.h"

int sluice_enter_network_namespace(int fd) {
    return setns(fd, CLONE_NEWNET);
}
