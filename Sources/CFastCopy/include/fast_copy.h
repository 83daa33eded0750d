#ifndef SLUICE_FAST_COPY_H
#define SLUICE_FAST_COPY_H

/// Sluice's memcpy (see fast_copy.c). Nothing to call: linking this target
/// replaces memcpy for the whole process. This returns the size from
/// which copies are split, for tests.
unsigned long sluice_fast_copy_split_size(void);

#endif
