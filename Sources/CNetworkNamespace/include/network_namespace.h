#ifndef SLUICE_NETWORK_NAMESPACE_H
#define SLUICE_NETWORK_NAMESPACE_H

/// setns() is a GNU extension Swift's Glibc module does not import.

/// setns(fd, CLONE_NEWNET): moves the calling thread (only it) into the
/// network namespace `fd` stands for (an open /var/run/netns/NAME or
/// /proc/PID/ns/net). 0, or -1 with errno set.
int sluice_enter_network_namespace(int fd);

#endif
