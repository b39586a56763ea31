#include "text.h"

#include <stdint.h>

size_t fc_utf8_sequence(const unsigned char *s)
{
    if (s[0] < 0x80) return 1;
    size_t n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || s[0] > 0xF4) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    uint32_t cp = s[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) cp = cp << 6 | (s[i] & 0x3F);
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

void fc_text_escape(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        size_t n = fc_utf8_sequence(s);
        if (n == 0 || *s < 0x20 || *s == 0x7F || *s == '\\') {
            fprintf(out, "\\x%02x", *s++);
        } else {
            fwrite(s, 1, n, out);
            s += n;
        }
    }
}

const char *fc_plural(long long n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}
