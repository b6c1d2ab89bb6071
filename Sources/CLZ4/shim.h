// Makes Debian's liblz4 (liblz4-dev) importable from Swift: the block API of <lz4.h>, which the
// Compression module uses per batch of pages.
#ifndef LDM_CONSOLE_CLZ4_SHIM_H
#define LDM_CONSOLE_CLZ4_SHIM_H

#include <lz4.h>

#endif
