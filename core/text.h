/* Text from outside (paths: bytes, not necessarily UTF-8) made safe to print. */
#ifndef FC_TEXT_H
#define FC_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Length of the valid UTF-8 sequence starting at s (1..4), or 0 if it is not one. */
size_t fc_utf8_sequence(const unsigned char *s);

/* Writes s for a terminal or a log line: control bytes, backslashes and invalid UTF-8 as
 * \xNN, so that a file name cannot forge a line or a terminal escape. */
void fc_text_escape(FILE *out, const char *s);

/* The noun for a count, so that every count shown to a person reads right: one when n is
 * 1, else many ("1 photo", "0 photos", "2 people"): printf("%d %s", n, fc_plural(n,
 * "face", "faces")). Returns one of its arguments (borrowed). */
const char *fc_plural(long long n, const char *one, const char *many);

#endif
