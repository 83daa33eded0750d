#ifndef SLUICE_BENCH_PSEUDO_TERMINAL_H
#define SLUICE_BENCH_PSEUDO_TERMINAL_H
#include <stddef.h>

/// Opens a pseudo-terminal of `rows` x `columns`: returns the controller's
/// fd and writes the path of the terminal side into `path`, or returns -1.
/// (posix_openpt and friends are hidden from Swift's Glibc module.)
int bench_open_pseudo_terminal(unsigned short rows, unsigned short columns, char *path, size_t path_size);

#endif
