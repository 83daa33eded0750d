#define _XOPEN_SOURCE 600
#include "pseudo_terminal.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int bench_open_pseudo_terminal(unsigned short rows, unsigned short columns, char *path, size_t path_size) {
    int controller = posix_openpt(O_RDWR | O_NOCTTY);
    if (controller < 0) return -1;
    struct winsize size = { .ws_row = rows, .ws_col = columns };
    const char *name = NULL;
    if (grantpt(controller) != 0 || unlockpt(controller) != 0 || (name = ptsname(controller)) == NULL
        || strlen(name) + 1 > path_size || ioctl(controller, TIOCSWINSZ, &size) != 0) {
        close(controller);
        return -1;
    }
    strcpy(path, name);
    return controller;
}
