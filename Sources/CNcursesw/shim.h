#ifndef SLUICE_CNCURSESW_SHIM_H
#define SLUICE_CNCURSESW_SHIM_H

#define NCURSES_WIDECHAR 1
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

// Swift cannot use ncurses' macros and mutable globals; these wrap them.
static inline WINDOW *sluice_stdscr(void) { return stdscr; }
static inline int sluice_lines(void) { return getmaxy(stdscr); }
static inline int sluice_columns(void) { return getmaxx(stdscr); }
static inline attr_t sluice_attr_normal(void) { return A_NORMAL; }
static inline attr_t sluice_attr_bold(void) { return A_BOLD; }
static inline attr_t sluice_attr_dim(void) { return A_DIM; }
static inline attr_t sluice_attr_reverse(void) { return A_REVERSE; }
static inline attr_t sluice_attr_underline(void) { return A_UNDERLINE; }
static inline int sluice_colors(void) { return COLORS; }
static inline SCREEN *sluice_open_screen(void) { return newterm(NULL, stdout, stdin); }
static inline int sluice_locale_is_utf8(void) { return strcmp(nl_langinfo(CODESET), "UTF-8") == 0; }

#endif
