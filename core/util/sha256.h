/* SHA-256 (FIPS 180-4). Used to pin inputs (the fetched model package's photos, decoded
 * pixels in golden tests) and later to recognise a photo by its content. */
#ifndef FC_SHA256_H
#define FC_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t state[8];
    uint64_t length; /* bytes fed so far */
    uint8_t block[64];
    size_t fill; /* bytes waiting in block */
} fc_sha256;

void fc_sha256_init(fc_sha256 *ctx);
void fc_sha256_update(fc_sha256 *ctx, const void *data, size_t len);
void fc_sha256_final(fc_sha256 *ctx, uint8_t digest[32]);

/* One-shot: writes 64 lowercase hex digits and a NUL into hex. */
void fc_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
