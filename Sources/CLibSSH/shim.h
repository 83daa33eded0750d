#ifndef SLUICE_CLIBSSH_SHIM_H
#define SLUICE_CLIBSSH_SHIM_H

#include <libssh/libssh.h>
#include <libssh/callbacks.h>
#include <libssh/server.h>

#endif
