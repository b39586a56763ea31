/* The model file: what the writer writes the reader reads back; every kind of damage is
 * an error with a message, never a crash (run under ASan too). */
#include "tests/harness.h"

#include "core/fc_error.h"
#include "core/nn/model.h"
#include "core/nn/model_internal.h"
#include "core/nets/recog.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

static char dir[256], path[300];

static int write_small_model(void)
{
    char err[FC_ERR_MAX];
    float a[32], b[3] = {1.0f, 2.0f, 3.0f};
    for (int i = 0; i < 32; i++) a[i] = (float)i * 0.5f;
    fc_model_writer *w = fc_model_writer_new("test@1");
    const uint32_t da[4] = {1, 1, 2, 16}, db[4] = {3, 1, 1, 1};
    int rc = fc_model_writer_add(w, "conv", FC_LAYOUT_CONV_P16, da, a, 32, err);
    if (!rc) rc = fc_model_writer_add(w, "conv/bias", FC_LAYOUT_DENSE, db, b, 3, err);
    if (!rc) rc = fc_model_writer_save(w, path, err);
    fc_model_writer_free(w);
    if (rc) fprintf(stderr, "write: %s\n", err);
    return rc;
}

static uint8_t *slurp(size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = malloc(1 << 16);
    *len = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

/* Makes a damaged copy pass the checksum, so the structural checks behind it are reached
 * (a fuzzer finds such inputs too). */
static void fix_checksum(uint8_t *buf, size_t len)
{
    uint64_t sum = model_checksum(buf, len);
    memcpy(buf + MODEL_HDR_CHECKSUM, &sum, 8);
}

static void spit(const uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    fwrite(buf, 1, len, f);
    fclose(f);
}

/* Opens path expecting failure with a message containing `words`. */
static void expect_open_fails(const char *words)
{
    char err[FC_ERR_MAX] = "";
    fc_model *m = NULL;
    int rc = fc_model_open(path, &m, err);
    CHECK_MSG(rc < 0 && m == NULL, "opened a damaged model (%s)", words);
    CHECK_MSG(strstr(err, words) != NULL, "message \"%s\" lacks \"%s\"", err, words);
    fc_model_close(m);
}

static void test_round_trip(void)
{
    CHECK(write_small_model() == 0);
    char err[FC_ERR_MAX];
    fc_model *m = NULL;
    CHECK(fc_model_open(path, &m, err) == 0);
    if (!m) return;
    fc_model_tensor t;
    CHECK(strcmp(fc_model_source(m), "test@1") == 0);
    CHECK(fc_model_tensor_count(m) == 2);
    CHECK(fc_model_find(m, "conv", &t, err) == 0 && t.count == 32 && t.data[31] == 15.5f);
    CHECK(((uintptr_t)t.data % 64) == 0);
    CHECK(fc_model_find(m, "conv/bias", &t, err) == 0 && t.count == 3 && t.data[2] == 3.0f);
    CHECK(fc_model_find(m, "nope", &t, err) == -ENOENT);
    const uint32_t want[4] = {1, 1, 2, 32};
    CHECK(fc_model_expect(m, "conv", FC_LAYOUT_CONV_P16, want, &t, err) == -EINVAL);
    fc_model_close(m);
}

static void test_damage(void)
{
    size_t len;
    CHECK(write_small_model() == 0);
    uint8_t *good = slurp(&len), *bad = malloc(len + 64);

    spit(good, len - 1);
    expect_open_fails("truncated");
    memcpy(bad, good, len);
    memset(bad + len, 0, 64);
    spit(bad, len + 64);
    expect_open_fails("truncated or padded");
    spit(good, 10);
    expect_open_fails("too small");

    memcpy(bad, good, len);
    bad[0] = 'X';
    spit(bad, len);
    expect_open_fails("bad magic");

    memcpy(bad, good, len);
    bad[8] = 99; /* version */
    spit(bad, len);
    expect_open_fails("version");

    memcpy(bad, good, len);
    bad[len - 8] ^= 0x40; /* a data byte */
    spit(bad, len);
    expect_open_fails("checksum");

    memcpy(bad, good, len);
    bad[96 + 72 + 2] ^= 0x10; /* a bit of a tensor's offset: the table is covered too */
    spit(bad, len);
    expect_open_fails("checksum");

    memcpy(bad, good, len);
    memcpy(bad + 96 + 96, bad + 96, 48); /* second tensor renamed as the first */
    fix_checksum(bad, len);
    spit(bad, len);
    expect_open_fails("twice");

    memcpy(bad, good, len);
    memset(bad + 12, 0xFF, 4); /* tensor count */
    fix_checksum(bad, len);
    spit(bad, len);
    expect_open_fails("tensor count");

    memcpy(bad, good, len);
    memset(bad + 96 + 72, 0xFF, 7); /* first tensor's offset, near 2^56 */
    fix_checksum(bad, len);
    spit(bad, len);
    expect_open_fails("outside the file");

    memcpy(bad, good, len);
    memset(bad + 96 + 56, 0xFF, 4); /* first dim */
    fix_checksum(bad, len);
    spit(bad, len);
    expect_open_fails("bad dims");

    memcpy(bad, good, len);
    memset(bad + 96, 'a', 48); /* name without NUL */
    fix_checksum(bad, len);
    spit(bad, len);
    expect_open_fails("name");

    /* every single-byte change in header and table, checksum made to match, is refused
     * or harmless: whatever an opened model hands out lies inside its mapped file */
    int opened = 0;
    for (size_t i = 0; i < 96 + 2 * 96; i++) {
        if (i >= MODEL_HDR_CHECKSUM && i < MODEL_HDR_CHECKSUM + 8) continue;
        memcpy(bad, good, len);
        bad[i] ^= 0xA5;
        fix_checksum(bad, len);
        spit(bad, len);
        char err[FC_ERR_MAX];
        fc_model *m = NULL;
        if (fc_model_open(path, &m, err) != 0) continue;
        opened++;
        size_t map_size;
        const uint8_t *map = model_map(m, &map_size);
        const char *names[] = {"conv", "conv/bias"};
        for (int n = 0; n < 2; n++) {
            fc_model_tensor t;
            if (fc_model_find(m, names[n], &t, err) != 0) continue;
            const uint8_t *start = (const uint8_t *)t.data;
            CHECK(start >= map + MODEL_HDR_BYTES && start <= map + map_size &&
                  t.count * sizeof(float) <= (size_t)(map + map_size - start));
        }
        fc_model_close(m);
    }
    CHECK(opened > 0); /* some changes (e.g. in the source text) are harmless */
    free(good);
    free(bad);
    char err[FC_ERR_MAX];
    fc_model *m;
    CHECK(fc_model_open(dir, &m, err) < 0);
    CHECK(fc_model_open("/nonexistent/model", &m, err) == -ENOENT);
}

static void test_real_model(void)
{
    const char *real = getenv("FACECLUSTER_MODEL");
    char err[FC_ERR_MAX] = "";
    fc_model *m = NULL;
    int rc = real ? fc_model_open(real, &m, err) : -ENOENT;
    if (rc == -ENOENT) {
        harness_checks++;
        if (harness_missing("no converted model (FACECLUSTER_MODEL)") == 1) harness_failures++;
        return;
    }
    /* a model that exists but does not open (stale, corrupt) is a failure, not a skip */
    CHECK_MSG(rc == 0, "%s", err);
    if (rc) return;
    CHECK(strcmp(fc_model_source(m), "@vladmandic/face-api@1.7.15") == 0);
    fc_recog *net = NULL;
    CHECK_MSG(fc_recog_new(m, 1, &net, err) == 0, "%s", err);
    fc_recog_free(net);
    fc_model_close(m);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/fc-test-model-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/model", dir);
    RUN(test_round_trip);
    RUN(test_damage);
    RUN(test_real_model);
    unlink(path);
    rmdir(dir);
    return harness_exit();
}
