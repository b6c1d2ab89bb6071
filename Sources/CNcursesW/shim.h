// The one C file of ldm-console: makes the wide-character ncurses API importable from Swift.
//
// Swift cannot import function-like macros, macros built from other macros, or (in Swift 6
// language mode) mutable C globals such as stdscr and COLORS. Each of those is wrapped here in a
// static inline function; everything else is used directly from <ncursesw/curses.h>.
#ifndef LDM_CONSOLE_CNCURSESW_SHIM_H
#define LDM_CONSOLE_CNCURSESW_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <langinfo.h>
#include <stdio.h>
#include <locale.h>
#include <ncursesw/curses.h>
#include <stddef.h>
#include <termios.h>
#include <wchar.h>

// Windows and global state.
static inline WINDOW *ldm_stdscr(void) { return stdscr; }
static inline WINDOW *ldm_curscr(void) { return curscr; }
static inline int ldm_colors(void) { return COLORS; }
static inline int ldm_color_pairs(void) { return COLOR_PAIRS; }
static inline int ldm_lines(void) { return LINES; }
static inline int ldm_cols(void) { return COLS; }
static inline int ldm_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int ldm_getmaxx(WINDOW *w) { return getmaxx(w); }

// Attributes.
static inline attr_t ldm_a_normal(void) { return A_NORMAL; }
static inline attr_t ldm_a_bold(void) { return A_BOLD; }
static inline attr_t ldm_a_dim(void) { return A_DIM; }
static inline attr_t ldm_a_underline(void) { return A_UNDERLINE; }
static inline attr_t ldm_a_reverse(void) { return A_REVERSE; }
static inline attr_t ldm_a_italic(void) { return A_ITALIC; }
static inline attr_t ldm_color_pair(int pair) { return (attr_t)COLOR_PAIR(pair); }

// Result codes and key codes (some are macros built from others).
static inline int ldm_ok(void) { return OK; }
static inline int ldm_err(void) { return ERR; }
static inline int ldm_key_code_yes(void) { return KEY_CODE_YES; }
static inline int ldm_key_resize(void) { return KEY_RESIZE; }
static inline int ldm_key_up(void) { return KEY_UP; }
static inline int ldm_key_down(void) { return KEY_DOWN; }
static inline int ldm_key_left(void) { return KEY_LEFT; }
static inline int ldm_key_right(void) { return KEY_RIGHT; }
static inline int ldm_key_home(void) { return KEY_HOME; }
static inline int ldm_key_end(void) { return KEY_END; }
static inline int ldm_key_ppage(void) { return KEY_PPAGE; }
static inline int ldm_key_npage(void) { return KEY_NPAGE; }
static inline int ldm_key_backspace(void) { return KEY_BACKSPACE; }
static inline int ldm_key_dc(void) { return KEY_DC; }
static inline int ldm_key_btab(void) { return KEY_BTAB; }
static inline int ldm_key_enter(void) { return KEY_ENTER; }
static inline int ldm_key_f0(void) { return KEY_F0; }

// The standard streams, which are mutable globals Swift 6 refuses to read.
static inline FILE *ldm_stdin(void) { return stdin; }
static inline FILE *ldm_stdout(void) { return stdout; }

// Locale: adopt the environment's (LANG, LC_ALL...) and report its codeset.
static inline void ldm_setlocale_from_environment(void) { setlocale(LC_ALL, ""); }
static inline const char *ldm_codeset(void) { return nl_langinfo(CODESET); }

// A terminfo string capability, or NULL when the terminal has none (tigetstr answers
// (char *)-1 for a name that is not a string capability).
static inline const char *ldm_tigetstr(const char *name) {
  char *value = tigetstr(name);
  return (value == NULL || value == (char *)-1) ? NULL : value;
}

#endif
