// Makes Debian's libzstd (libzstd-dev) importable from Swift.
//
// The two sentinels of ZSTD_getFrameContentSize are macros built from an expression, which
// Swift cannot import; they are wrapped here in static inline functions. Everything else is used
// directly from <zstd.h>.
#ifndef LDM_CONSOLE_CZSTD_SHIM_H
#define LDM_CONSOLE_CZSTD_SHIM_H

#include <zstd.h>

static inline unsigned long long ldm_zstd_contentsize_unknown(void) {
  return ZSTD_CONTENTSIZE_UNKNOWN;
}
static inline unsigned long long ldm_zstd_contentsize_error(void) {
  return ZSTD_CONTENTSIZE_ERROR;
}

#endif
