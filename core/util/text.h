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

/* How many terminal columns fc_text_escape's rendering of s takes: wide (East Asian)
 * characters 2, combining ones 0, an escaped byte 4. */
int fc_text_width(const char *s);

/* fc_text_escape, then spaces up to width columns (by fc_text_width, not bytes), so that
 * a text table stays aligned whatever script its names are written in. */
void fc_text_pad(FILE *out, const char *s, int width);

/* How a name matches what a user typed, ignoring case (Unicode simple case folding, not
 * only ASCII): FC_TEXT_EXACT, FC_TEXT_PREFIX (typed is the start of name) or
 * FC_TEXT_NO_MATCH. */
enum { FC_TEXT_NO_MATCH = 0, FC_TEXT_PREFIX = 1, FC_TEXT_EXACT = 2 };
int fc_text_match(const char *typed, const char *name);

/* Whether s is fit to be a name: valid UTF-8 without control characters. */
int fc_text_is_clean(const char *s);

/* The noun for a count, so that every count shown to a person reads right: one when n is
 * 1, else many ("1 photo", "0 photos", "2 people"): printf("%d %s", n, fc_plural(n,
 * "face", "faces")). Returns one of its arguments (borrowed). */
const char *fc_plural(long long n, const char *one, const char *many);

#endif
