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

// The mouse: a press of the left button and the wheel, reported at once
// (no click resolution, which would hold each press back). 0 when the
// terminal has no mouse.
static inline int sluice_enable_mouse(void) {
    mouseinterval(0);
    if (mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL) == 0) return 0;
    if (has_mouse()) return 1;
    mousemask(0, NULL);
    return 0;
}
static inline int sluice_key_mouse(void) { return KEY_MOUSE; }
// The waiting mouse event: 1 left press, 2 wheel up, 3 wheel down, 0 other.
static inline int sluice_read_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    if (event.bstate & BUTTON1_PRESSED) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 2;
    if (event.bstate & BUTTON5_PRESSED) return 3;
    return 0;
}

#endif
