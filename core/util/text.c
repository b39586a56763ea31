#include "core/util/text.h"

#include <ctype.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <wchar.h>
#include <wctype.h>

/* The code point of the n bytes at s, decoded without checking them. */
static uint32_t code_point(const unsigned char *s, size_t n)
{
    if (n == 1) return s[0];
    uint32_t cp = s[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) cp = cp << 6 | (s[i] & 0x3F);
    return cp;
}

size_t fc_utf8_sequence(const unsigned char *s)
{
    if (s[0] < 0x80) return 1;
    size_t n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || s[0] > 0xF4) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    const uint32_t cp = code_point(s, n);
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

/* Whether the sequence of n bytes at s (0: not UTF-8) is written as \xNN bytes: what is
 * not UTF-8, control characters (C0, DEL and C1, which terminals obey), the backslash
 * (so that an escape cannot be forged) and the bidirectional overrides, which reorder
 * what a terminal shows. */
static int escaped(const unsigned char *s, size_t n)
{
    if (n == 0 || *s < 0x20 || *s == 0x7F || *s == '\\') return 1;
    if (n == 2 && s[0] == 0xC2 && s[1] < 0xA0) return 1;
    return n == 3 && s[0] == 0xE2 &&
           ((s[1] == 0x80 && s[2] >= 0xAA && s[2] <= 0xAE) ||
            (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9));
}

void fc_text_escape(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        const size_t n = fc_utf8_sequence(s);
        if (escaped(s, n)) {
            fprintf(out, "\\x%02x", *s++);
        } else {
            fwrite(s, 1, n, out);
            s += n;
        }
    }
}

/* Character classes (width, case) are the C library's for Unicode, whatever locale the
 * program runs in: a C.UTF-8 locale object of our own, made once. */
static locale_t unicode_locale;
static pthread_once_t unicode_once = PTHREAD_ONCE_INIT;

static void make_unicode_locale(void)
{
    unicode_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t unicode(void)
{
    pthread_once(&unicode_once, make_unicode_locale);
    return unicode_locale;
}

int fc_text_width(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    const locale_t loc = unicode();
    const locale_t was = loc ? uselocale(loc) : (locale_t)0;
    int width = 0;
    while (*s) {
        const size_t n = fc_utf8_sequence(s);
        if (escaped(s, n)) {
            width += 4; /* \xNN */
            s++;
            continue;
        }
        const int w = loc ? wcwidth((wchar_t)code_point(s, n)) : 1;
        width += w < 0 ? 1 : w;
        s += n;
    }
    if (loc) uselocale(was);
    return width;
}

void fc_text_pad(FILE *out, const char *s, int width)
{
    fc_text_escape(out, s);
    for (int w = fc_text_width(s); w < width; w++) fputc(' ', out);
}

/* The next character of s folded to lower case (0 at the end); advances *s. Bytes that
 * are not UTF-8 stand for themselves, above every code point. */
static uint32_t next_folded(const unsigned char **s, locale_t loc)
{
    if (!**s) return 0;
    const size_t n = fc_utf8_sequence(*s);
    if (n == 0) return 0x110000u + *(*s)++;
    const uint32_t cp = code_point(*s, n);
    *s += n;
    return loc         ? (uint32_t)towlower_l((wint_t)cp, loc)
           : cp < 0x80 ? (uint32_t)tolower((int)cp)
                       : cp;
}

int fc_text_match(const char *typed, const char *name)
{
    const unsigned char *t = (const unsigned char *)typed, *n = (const unsigned char *)name;
    const locale_t loc = unicode();
    for (;;) {
        const uint32_t a = next_folded(&t, loc), b = next_folded(&n, loc);
        if (!a) return b ? FC_TEXT_PREFIX : FC_TEXT_EXACT;
        if (a != b) return FC_TEXT_NO_MATCH;
    }
}

int fc_text_is_clean(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        const size_t n = fc_utf8_sequence(s);
        if (*s != '\\' && escaped(s, n)) return 0;
        s += n;
    }
    return 1;
}

const char *fc_plural(long long n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}
