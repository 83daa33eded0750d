// memcpy without `rep movsb` for mid-sized copies.
//
// glibc 2.36 (Debian 12) copies 2 KiB to 1 MiB with `rep movsb`. On AMD Zen
// CPUs that instruction runs at a tenth of its speed when the destination
// sits a few bytes past the source modulo 64 (glibc bug 30994, fixed in
// 2.39): 3 GB/s instead of 50 GB/s here. libssh copies every received byte
// twice with such offsets (packet to payload string, string to channel
// buffer), and those two copies were 40 % of Sluice's CPU while receiving.
//
// Sluice's executable therefore provides memcpy, which every library it
// loads calls instead of libc's. Copies below 2 KiB and above 1 MiB go to
// libc's memmove unchanged (glibc's memcpy is the same code, and memmove is
// not replaced here). Mid-sized copies go to memmove in 1 KiB pieces, below
// any `rep movsb` threshold, so glibc's vector loop does them at full speed
// whatever the alignment.
#include "fast_copy.h"
#include <string.h>

enum {
    split_from = 2048,
    piece = 1024,
    split_up_to = 1 << 20,
};

unsigned long sluice_fast_copy_split_size(void) {
    return split_from;
}

// no_builtin: the compiler would otherwise turn these memmove calls (on
// buffers memcpy promises do not overlap) back into memcpy, calling itself.
__attribute__((no_builtin))
void *memcpy(void *destination, const void *source, size_t count) {
    if (count < split_from || count > split_up_to) return memmove(destination, source, count);
    unsigned char *to = destination;
    const unsigned char *from = source;
    while (count > piece) {
        memmove(to, from, piece);
        to += piece;
        from += piece;
        count -= piece;
    }
    memmove(to, from, count);
    return destination;
}
