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

#endif
