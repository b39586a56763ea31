/* XMP face regions (core/image/xmp.h): packets made by exiftool at test time and by hand,
 * found in each container, read at every orientation, hostile ones refused or skipped, and
 * written back merged into what a sidecar held. */
#include "tests/harness.h"

#include "core/fc_error.h"
#include "core/image/image.h"
#include "core/image/xmp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static char tmp[64];
static int have_exiftool;

/* exiftool's XMP of a region list: Ada a face centred at (0.5, 0.4), 0.2 x 0.3, on a photo
 * stored 640 x 480; Rex a pet; Bob a Microsoft region. */
#define EXIFTOOL_REGIONS                                                                           \
    "'-RegionInfo={AppliedToDimensions={W=640,H=480,Unit=pixel},RegionList=[{Area={X=0.5,Y=0.4,"   \
    "W=0.2,H=0.3,Unit=normalized},Name=Ada Lovelace,Type=Face},{Area={X=0.2,Y=0.2,W=0.1,H=0.1,"    \
    "Unit=normalized},Name=Rex,Type=Pet}]}' '-RegionInfoMP={Regions=[{PersonDisplayName=Bob,"      \
    "Rectangle=0.1|, 0.2|, 0.3|, 0.4}]}'"

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = malloc(1 << 22);
    *len = buf ? fread(buf, 1, (1 << 22) - 1, f) : 0;
    if (buf) buf[*len] = 0;
    fclose(f);
    return buf;
}

static int spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    const int ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int near(double a, double b)
{
    return fabs(a - b) < 1e-6;
}

static int box_is(const double *b, double l, double t, double w, double h)
{
    return near(b[0], l) && near(b[1], t) && near(b[2], w) && near(b[3], h);
}

static const fc_xmp_region *find(const fc_xmp_regions *r, const char *name, fc_xmp_kind kind)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->region[i].name, name) && r->region[i].kind == kind) return &r->region[i];
    return NULL;
}

static int parse_file(const char *path, int orientation, fc_xmp_regions *r)
{
    size_t len;
    char *p = slurp(path, &len), err[FC_ERR_MAX] = "";
    const int rc = p ? fc_xmp_regions_parse(p, len, orientation, r, err) : -ENOENT;
    if (rc) fprintf(stderr, "parse %s: %s\n", path, err);
    free(p);
    return rc;
}

static void test_exiftool_regions(void)
{
    if (!have_exiftool) return;
    CHECK(run("cd %s && exiftool -q -o made.xmp " EXIFTOOL_REGIONS, tmp) == 0);
    char path[128];
    snprintf(path, sizeof path, "%s/made.xmp", tmp);
    fc_xmp_regions r;
    CHECK(parse_file(path, 1, &r) == 0);
    CHECK_MSG(r.n == 2, "%d regions", r.n); /* the pet is not a face */
    const fc_xmp_region *ada = find(&r, "Ada Lovelace", FC_XMP_MWG);
    CHECK(ada && box_is(ada->box, 0.4, 0.25, 0.2, 0.3)); /* centre to top left */
    CHECK(ada && ada->has_dims && ada->dims[0] == 640 && ada->dims[1] == 480);
    const fc_xmp_region *bob = find(&r, "Bob", FC_XMP_MP);
    CHECK(bob && box_is(bob->box, 0.1, 0.2, 0.3, 0.4) && !bob->has_dims);
    CHECK(r.skipped == 0);
    fc_xmp_regions_free(&r);

    /* turned: the area is the stored image's (MWG 2.0, 5.9) */
    CHECK(parse_file(path, 6, &r) == 0); /* stored (0.4,0.25)-(0.6,0.55), turned 90 clockwise */
    ada = find(&r, "Ada Lovelace", FC_XMP_MWG);
    CHECK(ada && box_is(ada->box, 0.45, 0.4, 0.3, 0.2));
    bob = find(&r, "Bob", FC_XMP_MP);
    CHECK(bob && box_is(bob->box, 1 - 0.2 - 0.4, 0.1, 0.4, 0.3));
    fc_xmp_regions_free(&r);
    CHECK(parse_file(path, 8, &r) == 0);
    ada = find(&r, "Ada Lovelace", FC_XMP_MWG);
    CHECK(ada && box_is(ada->box, 0.25, 1 - 0.6, 0.3, 0.2));
    fc_xmp_regions_free(&r);
    CHECK(parse_file(path, 3, &r) == 0);
    ada = find(&r, "Ada Lovelace", FC_XMP_MWG);
    CHECK(ada && box_is(ada->box, 0.4, 0.45, 0.2, 0.3));
    fc_xmp_regions_free(&r);
}

/* A packet by hand around an MWG region list's items. */
static char *mwg_packet(const char *items)
{
    static const char head[] =
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
        "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description rdf:about='' "
        "xmlns:mwg-rs='http://www.metadataworkinggroup.com/schemas/regions/' "
        "xmlns:stArea='http://ns.adobe.com/xmp/sType/Area#'><mwg-rs:Regions "
        "rdf:parseType='Resource'><mwg-rs:RegionList><rdf:Bag>";
    static const char tail[] =
        "</rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions></rdf:Description></rdf:RDF></x:xmpmeta>";
    char *p = malloc(strlen(head) + strlen(items) + strlen(tail) + 1);
    sprintf(p, "%s%s%s", head, items, tail);
    return p;
}

static char *mwg_item(const char *name, const char *x, const char *y, const char *w, const char *h)
{
    char *p = malloc(1024);
    snprintf(p, 1024,
             "<rdf:li rdf:parseType='Resource'><mwg-rs:Name>%s</mwg-rs:Name><mwg-rs:Area "
             "rdf:parseType='Resource'><stArea:x>%s</stArea:x><stArea:y>%s</stArea:y><stArea:w>%s"
             "</stArea:w><stArea:h>%s</stArea:h><stArea:unit>normalized</stArea:unit></mwg-rs:Area>"
             "</rdf:li>",
             name, x, y, w, h);
    return p;
}

static void test_hand_written_and_hostile(void)
{
    /* no Type: a face; no AppliedToDimensions: none said */
    char *good = mwg_item("Zoë", "0.5", "0.5", "0.5", "0.5");
    char long_name[FC_XMP_MAX_NAME + 2];
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = 0;
    char *blank = mwg_item(" \x01 ", "0.5", "0.5", "0.1", "0.1"); /* no name: not counted */
    char *bad[] = {
        mwg_item("NaN", "nan", "0.5", "0.1", "0.1"),
        mwg_item("Neg", "0.5", "0.5", "-0.1", "0.1"),
        mwg_item("Huge", "1e308", "0.5", "0.1", "0.1"),
        mwg_item("Zero", "0.5", "0.5", "0", "0.1"),
        mwg_item("Text", "0.5x", "0.5", "0.1", "0.1"),
        mwg_item("Out", "3", "0.5", "0.1", "0.1"),
        mwg_item("Inf", "inf", "0.5", "0.1", "0.1"),
        mwg_item(long_name, "0.5", "0.5", "0.1", "0.1"),
    };
    const int n_bad = (int)(sizeof bad / sizeof bad[0]);
    char items[16384] = "";
    strcat(items, good);
    strcat(items, blank);
    for (int i = 0; i < n_bad; i++) strcat(items, bad[i]);
    char *packet = mwg_packet(items);
    fc_xmp_regions r;
    char err[FC_ERR_MAX] = "";
    CHECK(fc_xmp_regions_parse(packet, strlen(packet), 1, &r, err) == 0);
    CHECK_MSG(r.n == 1 && !strcmp(r.region[0].name, "Zoë"), "%d regions, the last %s", r.n,
              r.n ? r.region[r.n - 1].name : "");
    CHECK(r.n == 1 && box_is(r.region[0].box, 0.25, 0.25, 0.5, 0.5) && !r.region[0].has_dims);
    CHECK_MSG(r.skipped == n_bad, "%d skipped: %s", r.skipped, r.note);
    CHECK(r.note[0]);
    fc_xmp_regions_free(&r);
    free(packet);
    free(good);
    free(blank);
    for (int i = 0; i < n_bad; i++) free(bad[i]);

    /* packets refused whole */
    const char *refused[] = {
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF", /* cut short */
        "not xml at all",
        "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaaaaaa'><!ENTITY b '&a;&a;&a;&a;'>]>"
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'>&b;</x:xmpmeta>",
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/"
        "22-rdf-syntax-ns#'><rdf:Description><rdf:li>x</rdf:li></rdf:Description></rdf:RDF></"
        "x:xmpmeta>",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        err[0] = 0;
        const int rc = fc_xmp_regions_parse(refused[i], strlen(refused[i]), 1, &r, err);
        CHECK_MSG(rc < 0 && err[0] && r.n == 0, "packet %zu: %d", i, rc);
    }
    /* nested a million deep: refused before the toolkit recurses into it */
    const size_t depth = 1000000;
    char *deep = malloc(depth * 7 + 1);
    for (size_t i = 0; i < depth; i++) memcpy(deep + 3 * i, "<a>", 3);
    for (size_t i = 0; i < depth; i++) memcpy(deep + 3 * depth + 4 * i, "</a>", 4);
    CHECK(fc_xmp_regions_parse(deep, depth * 7, 1, &r, err) == -EINVAL);
    free(deep);
    CHECK(fc_xmp_regions_parse("x", FC_XMP_MAX_PACKET + 1, 1, &r, err) == -EFBIG);
}

/* --- containers ------------------------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

/* A PNG chunk into buf at *at. */
static void chunk(uint8_t *buf, size_t *at, const char *type, const void *data, size_t n)
{
    put32(buf + *at, (uint32_t)n);
    memcpy(buf + *at + 4, type, 4);
    memcpy(buf + *at + 8, data, n);
    put32(buf + *at + 8 + n, (uint32_t)crc32(crc32(0, buf + *at + 4, 4), data, (uInt)n));
    *at += 12 + n;
}

/* A 1 x 1 grey PNG. */
static size_t tiny_png(uint8_t *buf)
{
    memcpy(buf, "\x89PNG\r\n\x1A\n", 8);
    size_t at = 8;
    const uint8_t ihdr[13] = {0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0};
    chunk(buf, &at, "IHDR", ihdr, 13);
    uint8_t raw[2] = {0, 128}, z[64];
    uLongf zn = sizeof z;
    compress(z, &zn, raw, 2);
    chunk(buf, &at, "IDAT", z, zn);
    chunk(buf, &at, "IEND", "", 0);
    return at;
}

static int found_ada(const char *path, const char *what)
{
    size_t len;
    char *data = slurp(path, &len), *packet = NULL, err[FC_ERR_MAX] = "";
    size_t plen = 0;
    const int rc = data ? fc_xmp_packet_find((uint8_t *)data, len, &packet, &plen, err) : -ENOENT;
    fc_xmp_regions r = {0};
    const int ok = rc == 1 && fc_xmp_regions_parse(packet, plen, 1, &r, err) == 0 &&
                   find(&r, "Ada Lovelace", FC_XMP_MWG) && find(&r, "Bob", FC_XMP_MP);
    if (!ok) fprintf(stderr, "%s: found %d: %s\n", what, rc, err);
    fc_xmp_regions_free(&r);
    free(packet);
    free(data);
    return ok;
}

static void test_containers(void)
{
    if (!have_exiftool) return;
    char path[128];
    /* JPEG: ours, then exiftool's APP1 */
    fc_image img;
    CHECK(fc_image_alloc(&img, 16, 16, NULL) == 0);
    memset(img.rgb, 90, 16 * 16 * 3);
    uint8_t *jpeg;
    size_t jlen;
    CHECK(fc_image_encode_jpeg(&img, 80, &jpeg, &jlen, NULL) == 0);
    fc_image_free(&img);
    snprintf(path, sizeof path, "%s/p.jpg", tmp);
    CHECK(spit(path, jpeg, jlen) == 0);
    char *none = NULL;
    size_t nlen;
    CHECK(fc_xmp_packet_find(jpeg, jlen, &none, &nlen, NULL) == 0 && !none);
    free(jpeg);
    CHECK(run("cd %s && exiftool -q -overwrite_original -tagsfromfile made.xmp '-xmp:all' p.jpg",
              tmp) == 0);
    CHECK(found_ada(path, "JPEG"));

    /* PNG: exiftool's iTXt (plain: XMP's own rule), then the same packet compressed by hand */
    uint8_t png[256];
    const size_t plen = tiny_png(png);
    snprintf(path, sizeof path, "%s/p.png", tmp);
    CHECK(spit(path, png, plen) == 0);
    CHECK(run("cd %s && exiftool -q -overwrite_original -tagsfromfile made.xmp '-xmp:all' p.png",
              tmp) == 0);
    CHECK(found_ada(path, "PNG"));
    snprintf(path, sizeof path, "%s/made.xmp", tmp);
    size_t xlen;
    char *xmp = slurp(path, &xlen);
    uint8_t *zpng = malloc(2 * xlen + 512), *ztxt = malloc(2 * xlen + 64);
    CHECK(xmp && zpng && ztxt);
    if (xmp && zpng && ztxt) {
        memcpy(ztxt, "XML:com.adobe.xmp\0\x01\0\0\0", 22);
        uLongf zn = 2 * xlen + 32;
        CHECK(compress(ztxt + 22, &zn, (const Bytef *)xmp, xlen) == Z_OK);
        size_t at = tiny_png(zpng) - 12; /* before IEND */
        chunk(zpng, &at, "iTXt", ztxt, 22 + zn);
        chunk(zpng, &at, "IEND", "", 0);
        snprintf(path, sizeof path, "%s/z.png", tmp);
        CHECK(spit(path, zpng, at) == 0);
        CHECK(found_ada(path, "PNG, compressed"));
    }
    free(xmp), free(zpng), free(ztxt);

    /* WebP and HEIF from the JPEG by their tools, when installed (the format tests need them) */
    if (run("which cwebp heif-enc >/dev/null 2>&1") == 0) {
        CHECK(run("cd %s && cwebp -quiet p.jpg -o p.webp && exiftool -q -overwrite_original "
                  "-tagsfromfile made.xmp '-xmp:all' p.webp",
                  tmp) == 0);
        snprintf(path, sizeof path, "%s/p.webp", tmp);
        CHECK(found_ada(path, "WebP"));
        CHECK(run("cd %s && heif-enc -q 50 p.jpg -o p.heic >/dev/null && exiftool -q "
                  "-overwrite_original -tagsfromfile made.xmp '-xmp:all' p.heic",
                  tmp) == 0);
        snprintf(path, sizeof path, "%s/p.heic", tmp);
        CHECK(found_ada(path, "HEIF"));
    } else {
        fprintf(stderr, "note: cwebp or heif-enc missing, WebP and HEIF not tried\n");
    }

    /* TIFF: a 1 x 1 grey one by hand, little-endian, then exiftool's tag 700 */
    static const uint8_t tiff[] = {'I',  'I', 42, 0, 8, 0, 0, 0, /* header, IFD0 at 8 */
                                   8,    0,                      /* 8 entries */
                                   0x00, 1,   3,  0, 1, 0, 0, 0, 1,   0, 0, 0, /* width 1 */
                                   0x01, 1,   3,  0, 1, 0, 0, 0, 1,   0, 0, 0, /* height 1 */
                                   0x02, 1,   3,  0, 1, 0, 0, 0, 8,   0, 0, 0, /* 8 bits */
                                   0x03, 1,   3,  0, 1, 0, 0, 0, 1,   0, 0, 0, /* uncompressed */
                                   0x06, 1,   3,  0, 1, 0, 0, 0, 1,   0, 0, 0, /* black is zero */
                                   0x11, 1,   4,  0, 1, 0, 0, 0, 110, 0, 0, 0, /* strip at 110 */
                                   0x16, 1,   3,  0, 1, 0, 0, 0, 1,   0, 0, 0, /* 1 row per strip */
                                   0x17, 1,   4,  0, 1, 0, 0, 0, 1,   0, 0, 0, /* strip of 1 byte */
                                   0,    0,   0,  0,                           /* no next IFD */
                                   128};
    snprintf(path, sizeof path, "%s/p.tif", tmp);
    CHECK(spit(path, tiff, sizeof tiff) == 0);
    CHECK(run("cd %s && exiftool -q -overwrite_original -tagsfromfile made.xmp '-xmp:all' p.tif",
              tmp) == 0);
    CHECK(found_ada(path, "TIFF"));

    /* broken containers: no packet, or an error, never more */
    const uint8_t cut_png[] = "\x89PNG\r\n\x1A\n\0\0\0\x40iTXtXML:com.adobe.xmp\0\x01\0";
    char *packet = NULL;
    size_t n = 0;
    CHECK(fc_xmp_packet_find(cut_png, sizeof cut_png - 1, &packet, &n, NULL) == 0 && !packet);
    uint8_t bomb[4096];
    size_t at = tiny_png(bomb) - 12; /* before IEND */
    static uint8_t zeros[1 << 20];
    uint8_t itxt[2048];
    memcpy(itxt, "XML:com.adobe.xmp\0\x01\0\0\0", 22);
    uLongf zn = sizeof itxt - 22;
    CHECK(compress2(itxt + 22, &zn, zeros, sizeof zeros, 9) == Z_OK);
    chunk(bomb, &at, "iTXt", itxt, 22 + zn);
    chunk(bomb, &at, "IEND", "", 0);
    CHECK(fc_xmp_packet_find(bomb, at, &packet, &n, NULL) == 1 && n == sizeof zeros);
    free(packet);
    itxt[22] ^= 0xFF; /* corrupt the zlib stream */
    at = tiny_png(bomb) - 12;
    chunk(bomb, &at, "iTXt", itxt, 22 + zn);
    CHECK(fc_xmp_packet_find(bomb, at, &packet, &n, NULL) == -EINVAL && !packet);
    const uint8_t bad_tiff[] = {'M',  'M', 0, 42,   0,    0,    0,    8, 0, 1, 2,
                                0xBC, 0,   7, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 8};
    CHECK(fc_xmp_packet_find(bad_tiff, sizeof bad_tiff, &packet, &n, NULL) < 0 && !packet);
    const uint8_t bad_webp[] = "RIFF\xFF\xFF\xFF\x7F"
                               "WEBPXMP \xFF\xFF\xFF\x7F"
                               "abc";
    CHECK(fc_xmp_packet_find(bad_webp, sizeof bad_webp - 1, &packet, &n, NULL) == 0 && !packet);
}

static void test_sidecar_paths(void)
{
    char p[2][FC_XMP_PATH_MAX];
    CHECK(fc_xmp_sidecar_paths("/a/b.c/IMG_1.JPG", p, NULL) == 2);
    CHECK(!strcmp(p[0], "/a/b.c/IMG_1.JPG.xmp") && !strcmp(p[1], "/a/b.c/IMG_1.xmp"));
    CHECK(fc_xmp_sidecar_paths("/a/b.c/photo", p, NULL) == 1 && !strcmp(p[0], "/a/b.c/photo.xmp"));
    CHECK(fc_xmp_sidecar_paths(".hidden", p, NULL) == 1 && !strcmp(p[0], ".hidden.xmp"));
    CHECK(fc_xmp_sidecar_paths("x.tar.gz", p, NULL) == 2 && !strcmp(p[1], "x.tar.xmp"));
    char longp[FC_XMP_PATH_MAX];
    memset(longp, 'a', sizeof longp - 1);
    longp[sizeof longp - 1] = 0;
    CHECK(fc_xmp_sidecar_paths(longp, p, NULL) == -ENAMETOOLONG);

    /* on disk: NAME.XMP in capitals is found when NAME.xmp is not there, never preferred */
    char photo[600], upper[600], lower[600];
    snprintf(photo, sizeof photo, "%s/IMG_2.JPG", tmp);
    snprintf(upper, sizeof upper, "%s/IMG_2.XMP", tmp);
    snprintf(lower, sizeof lower, "%s/IMG_2.JPG.xmp", tmp);
    CHECK(fc_xmp_sidecars_present(photo, p, NULL) == 0);
    run("touch %s %s", upper, lower);
    CHECK(fc_xmp_sidecar_locate(photo, p, NULL) == 2 && !strcmp(p[0], lower) &&
          !strcmp(p[1], upper));
    CHECK(fc_xmp_sidecars_present(photo, p, NULL) == 2 && !strcmp(p[1], upper));
    run("touch %s/IMG_2.xmp", tmp);
    CHECK(fc_xmp_sidecar_locate(photo, p, NULL) == 2 && strstr(p[1], "IMG_2.xmp"));
    run("rm %s %s %s/IMG_2.xmp", upper, lower, tmp);
}

/* --- writing ---------------------------------------------------------------------------- */

static void test_round_trip(void)
{
    const fc_xmp_face faces[] = {{"Ada Lovelace", {0.1, 0.2, 0.3, 0.25}},
                                 {"Ωmega 名", {0.6, 0.5, 0.2, 0.2}}};
    for (int o = 1; o <= 8; o++) {
        const fc_xmp_photo photo = {800, 600, o};
        char *out = NULL, err[FC_ERR_MAX] = "";
        size_t len = 0;
        CHECK(fc_xmp_regions_write(NULL, 0, &photo, faces, 2, &out, &len, err) == 0);
        fc_xmp_regions r = {0};
        CHECK(out && fc_xmp_regions_parse(out, len, o, &r, err) == 0);
        CHECK_MSG(r.n == 4, "orientation %d: %d regions", o, r.n);
        for (int i = 0; i < 2; i++)
            for (int kind = FC_XMP_MWG; kind <= FC_XMP_MP; kind++) {
                const fc_xmp_region *g = find(&r, faces[i].name, kind);
                int ok = g != NULL;
                for (int k = 0; ok && k < 4; k++) ok = fabs(g->box[k] - faces[i].box[k]) < 2e-6;
                CHECK_MSG(ok, "orientation %d, %s, kind %d", o, faces[i].name, kind);
            }
        /* AppliedToDimensions: the stored image's */
        const fc_xmp_region *g = find(&r, "Ada Lovelace", FC_XMP_MWG);
        CHECK(g && g->has_dims && g->dims[0] == (o >= 5 ? 600 : 800) &&
              g->dims[1] == (o >= 5 ? 800 : 600));
        /* again over itself: the same bytes */
        char *again = NULL;
        size_t again_len = 0;
        CHECK(fc_xmp_regions_write(out, len, &photo, faces, 2, &again, &again_len, err) == 0);
        CHECK(again && again_len == len && !memcmp(again, out, len));
        /* all ours removed: no region blocks left behind */
        char *none = NULL;
        size_t none_len = 0;
        CHECK(fc_xmp_regions_write(out, len, &photo, NULL, 0, &none, &none_len, err) == 0);
        CHECK_MSG(none && !strstr(none, "mwg-rs:Regions") && !strstr(none, "MP:RegionInfo") &&
                      !strstr(none, "facecluster:"),
                  "%s", none ? none : "");
        free(none);
        fc_xmp_regions_free(&r);
        free(again);
        free(out);
    }
}

static void test_merge(void)
{
    if (!have_exiftool) return;
    /* a sidecar another program wrote: a rating, keywords, Ada named over the same face as
     * ours (a little larger, as a hand draws), a pet, and a stranger */
    CHECK(
        run("cd %s && exiftool -q -o other.xmp -Rating=4 -Subject=holiday -Subject=beach "
            "'-RegionInfo={AppliedToDimensions={W=800,H=600,Unit=pixel},RegionList=[{Area={X=0.25,"
            "Y=0.33,W=0.32,H=0.28,Unit=normalized},Name=Ada Lovelace,Type=Face},{Area={X=0.8,"
            "Y=0.8,W=0.1,H=0.1,Unit=normalized},Name=Rex,Type=Pet},{Area={X=0.8,Y=0.2,W=0.1,"
            "H=0.1,Unit=normalized},Name=Stranger,Type=Face}]}'",
            tmp) == 0);
    char path[128], err[FC_ERR_MAX] = "";
    snprintf(path, sizeof path, "%s/other.xmp", tmp);
    size_t len;
    char *other = slurp(path, &len);
    CHECK(other != NULL);
    const fc_xmp_face ada = {"ada lovelace", {0.1, 0.2, 0.3, 0.25}};
    const fc_xmp_photo photo = {800, 600, 1};
    char *out = NULL;
    size_t out_len = 0;
    CHECK(fc_xmp_regions_write(other, len, &photo, &ada, 1, &out, &out_len, err) == 0);
    fc_xmp_regions r = {0};
    CHECK(out && fc_xmp_regions_parse(out, out_len, 1, &r, err) == 0);
    int adas = 0;
    for (int i = 0; i < r.n; i++)
        adas += r.region[i].kind == FC_XMP_MWG && strstr(r.region[i].name, "ovelace");
    CHECK_MSG(adas == 1, "%d MWG regions of Ada", adas); /* one face, one region */
    CHECK(find(&r, "Stranger", FC_XMP_MWG));
    fc_xmp_regions_free(&r);
    snprintf(path, sizeof path, "%s/merged.xmp", tmp);
    CHECK(out && spit(path, out, out_len) == 0);
    /* exiftool still reads the rest, the pet included */
    CHECK(run("cd %s && test \"$(exiftool -s3 -Rating -Subject merged.xmp | tr '\\n' ' ')\" = "
              "'4 holiday, beach ' && exiftool -j -struct -RegionInfo merged.xmp | grep -q "
              "'\"Name\": \"Rex\"'",
              tmp) == 0);

    /* renamed since: our old region goes, the stranger stays */
    const fc_xmp_face ann = {"Ann", {0.1, 0.2, 0.3, 0.25}};
    char *renamed = NULL;
    size_t renamed_len = 0;
    CHECK(fc_xmp_regions_write(out, out_len, &photo, &ann, 1, &renamed, &renamed_len, err) == 0);
    CHECK(renamed && fc_xmp_regions_parse(renamed, renamed_len, 1, &r, err) == 0);
    CHECK(!find(&r, "ada lovelace", FC_XMP_MWG) && !find(&r, "ada lovelace", FC_XMP_MP));
    CHECK(find(&r, "Ann", FC_XMP_MWG) && find(&r, "Ann", FC_XMP_MP) &&
          find(&r, "Stranger", FC_XMP_MWG));
    fc_xmp_regions_free(&r);
    /* nothing of ours left: only the others' */
    char *cleared = NULL;
    size_t cleared_len = 0;
    CHECK(fc_xmp_regions_write(renamed, renamed_len, &photo, NULL, 0, &cleared, &cleared_len,
                               err) == 0);
    CHECK(cleared && fc_xmp_regions_parse(cleared, cleared_len, 1, &r, err) == 0);
    CHECK_MSG(r.n == 1 && find(&r, "Stranger", FC_XMP_MWG), "%d regions", r.n);
    CHECK(cleared && !strstr(cleared, "MPRI:Regions") && !strstr(cleared, "facecluster:Regions"));
    fc_xmp_regions_free(&r);

    /* a sidecar we cannot read is never replaced */
    char *refused = NULL;
    size_t refused_len = 0;
    CHECK(fc_xmp_regions_write("<broken", 7, &photo, &ann, 1, &refused, &refused_len, err) ==
              -EINVAL &&
          !refused);
    /* bad faces are refused */
    const fc_xmp_face bad = {"x", {0.9, 0.9, 0.3, 0.3}};
    char *none = NULL;
    size_t nlen;
    CHECK(fc_xmp_regions_write(NULL, 0, &photo, &bad, 1, &none, &nlen, err) == -EINVAL && !none);
    free(cleared);
    free(renamed);
    free(out);
    free(other);
}

int main(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/fc-test-xmp-XXXXXX");
    if (!mkdtemp(tmp)) return 1;
    have_exiftool = run("exiftool -ver >/dev/null 2>&1") == 0;
    RUN(test_hand_written_and_hostile);
    RUN(test_sidecar_paths);
    RUN(test_round_trip);
    if (have_exiftool) {
        RUN(test_exiftool_regions);
        RUN(test_containers);
        RUN(test_merge);
    }
    if (!getenv("KEEP"))
        run("rm -rf %s", tmp);
    else
        fprintf(stderr, "kept %s\n", tmp);
    if (!have_exiftool) return harness_failures ? 1 : harness_missing("exiftool");
    return harness_exit();
}
