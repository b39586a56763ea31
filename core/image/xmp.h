/* XMP face regions: the names other photo programs (digiKam, Lightroom, Picasa, Windows Photo
 * Gallery) keep beside the faces, as MWG regions (mwg-rs) and Microsoft Photo regions
 * (MP/MPRI/MPReg), read from and written to XMP packets through Exempi.
 *
 * Orientation (docs/xmp-regions.md): the MWG guidelines 2.0 (5.9) apply region metadata to
 * the STORED image, and digiKam reads both kinds so (TagRegion::adjustToOrientation), so a
 * region's area is relative to the pixels as stored, before the EXIF orientation turns them.
 * This API speaks the upright photo only: reading turns areas upright, writing turns them
 * back, given the photo's EXIF orientation (1..8; HEIF photos pass 1: their container's
 * transformation, not EXIF, turns them, and libheif has already applied it). */
#ifndef FC_XMP_H
#define FC_XMP_H

#include "core/util/file.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* Limits on what a file may make us parse or hold: a sidecar with darktable's history is
 * some tens of kilobytes, a packet with a thousand regions about a megabyte. */
#define FC_XMP_MAX_PACKET ((size_t)8 << 20)
#define FC_XMP_MAX_REGIONS 1000
#define FC_XMP_MAX_NAME 256 /* bytes of a region's name */

typedef enum { FC_XMP_MWG = 1, FC_XMP_MP = 2 } fc_xmp_kind;

typedef struct {
    char *name; /* UTF-8 without control characters; owned by the list */
    fc_xmp_kind kind;
    double box[4]; /* left, top, width, height in 0..1 of the UPRIGHT photo */
    int has_dims;  /* MWG AppliedToDimensions came with it (in pixels) */
    int dims[2];   /* its width, height: of the image as stored, as the area is */
    int ours;      /* facecluster wrote it (xmp write): a copy of what the store holds, never
                      to be read back as a decision of the user's */
} fc_xmp_region;

typedef struct {
    fc_xmp_region *region; /* n of them, MWG ones first, each kind in the packet's order */
    int n;
    int skipped;    /* regions left out because something in them was wrong */
    char note[256]; /* why the first of those was, "" when none */
} fc_xmp_regions;

/* --- finding the packet ------------------------------------------------------------------- */

/* The XMP packet embedded in a photo held in memory, found by its container (fc_image_sniff):
 * JPEG's APP1 "http://ns.adobe.com/xap/1.0/" segment (the standard packet only: an Extended
 * XMP packet's parts, in APP1 "http://ns.adobe.com/xmp/extension/", are not joined, as region
 * metadata fits the standard packet), PNG's iTXt "XML:com.adobe.xmp" (plain or
 * zlib-compressed), WebP's "XMP " chunk, TIFF's (and TIFF-based RAW's) IFD0 tag 700, HEIF's
 * "mime" item of type application/rdf+xml. Returns 1 with *packet (NUL-terminated, the
 * caller frees) and *packet_len, 0 when there is none, or a negative errno (-EINVAL: the
 * container is broken where the packet is; -EFBIG: over FC_XMP_MAX_PACKET; -ENOMEM). */
int fc_xmp_packet_find(const uint8_t *data, size_t len, char **packet, size_t *packet_len,
                       char *err);
/* The same for HEIF only, through libheif (xmp_heif.c). */
int fc_xmp_packet_heif(const uint8_t *data, size_t len, char **packet, size_t *packet_len,
                       char *err);

/* --- reading regions ---------------------------------------------------------------------- */

/* Parses packet (len bytes, need not be NUL-terminated) and lists its named face regions:
 * MWG regions of Type Face (or none given) with a Name and a normalized Area, and Microsoft
 * regions with a PersonDisplayName and a Rectangle. Areas are turned upright by orientation.
 * A region that is malformed (absurd or non-finite numbers, empty or negative sizes, an area
 * mostly outside the photo, a name that is not clean UTF-8) is skipped and counted, the
 * first reason in out->note. Returns 0 (out filled; the caller frees with
 * fc_xmp_regions_free), or a negative errno when the packet itself cannot be read (-EINVAL:
 * not XMP, or refused: a DTD, nesting deeper than any XMP needs; -EFBIG; -ENOMEM). */
int fc_xmp_regions_parse(const char *packet, size_t len, int orientation, fc_xmp_regions *out,
                         char *err);
void fc_xmp_regions_free(fc_xmp_regions *r);

/* --- sidecars ----------------------------------------------------------------------------- */

#define FC_XMP_PATH_MAX 4096

/* The sidecars that may describe photo, in the order they are read and preferred:
 * "NAME.EXT.xmp" (digiKam, darktable, and what Immich prefers when both exist), then
 * "NAME.xmp" (Lightroom, Capture One). A photo without an extension has one. Pure: says
 * nothing of whether they exist. Returns how many (1 or 2), or -ENAMETOOLONG. */
int fc_xmp_sidecar_paths(const char *photo, char paths[2][FC_XMP_PATH_MAX], char *err);
/* The same, each found on disk as NAME.XMP (a camera's or Windows tool's capitals) when
 * that exists and NAME.xmp does not: the sidecars to read, and the one to write. */
int fc_xmp_sidecar_locate(const char *photo, char paths[2][FC_XMP_PATH_MAX], char *err);
/* Those of them that exist as regular files, in the same order, into paths: how many
 * (0..2), or -ENAMETOOLONG. A "sidecar" that is the photo itself is never one. */
int fc_xmp_sidecars_present(const char *photo, char paths[2][FC_XMP_PATH_MAX], char *err);

/* The EXIF orientation (1..8) the regions of a photo held in memory are turned by: its
 * EXIF's in any format, 1 for HEIF (fc_exif_read). */
int fc_xmp_orientation(const uint8_t *data, size_t len);
/* The same for the photo at path, reading only what its format needs (a JPEG's first
 * bytes, a WebP or TIFF whole). 0 with *orientation, or a negative errno. */
int fc_xmp_photo_orientation(const char *path, int *orientation, char *err);

/* --- writing ------------------------------------------------------------------------------ */

/* facecluster's own namespace, which every packet it wrote declares (xmp_write.c). */
#define FC_XMP_NS "http://facecluster.invalid/xmp/1.0/"

/* A named face to write: its box in 0..1 of the upright photo. */
typedef struct {
    const char *name;
    double box[4]; /* left, top, width, height */
} fc_xmp_face;

/* The photo the faces are in. */
typedef struct {
    int width, height; /* upright, in pixels */
    int orientation;   /* EXIF 1..8, how the stored pixels turn upright */
} fc_xmp_photo;

/* Makes the packet a sidecar should hold: existing (NULL or len 0: none) with facecluster's
 * own earlier regions replaced by faces (n of them; 0 removes ours), as MWG regions of Type
 * Face with AppliedToDimensions and as Microsoft regions. Every other region and property
 * stays. Ours are the regions recorded in the packet's facecluster:Regions list when we last
 * wrote it, and any Face region named as one of faces whose area overlaps that face's (the
 * same face named in another program too: one region stays, not two). Returns 0 with *out
 * (NUL-terminated, the caller frees) and *out_len, or a negative errno (-EINVAL: existing
 * is not XMP we can read: never replaced then, so nothing of it is lost). */
int fc_xmp_regions_write(const char *existing, size_t existing_len, const fc_xmp_photo *photo,
                         const fc_xmp_face *faces, int n, char **out, size_t *out_len, char *err);

/* A face's box in pixels of the upright photo (x, y, w, h, as the store keeps it) as
 * fc_xmp_face's, in 0..1 and clipped to the photo: 1, or 0 when nothing of it is inside. */
int fc_xmp_face_box(const float px[4], int width, int height, double out[4]);

typedef enum {
    FC_XMP_SIDECAR_UNTOUCHED, /* nothing to write nor clear: no file looked at further */
    FC_XMP_SIDECAR_UNCHANGED, /* it holds what it should already: left alone, time and all */
    FC_XMP_SIDECAR_WOULD,     /* it would be written (dry run) */
    FC_XMP_SIDECAR_WRITTEN,
} fc_xmp_sidecar_status;

typedef struct {
    fc_xmp_sidecar_status status;
    char path[FC_XMP_PATH_MAX]; /* the sidecar (UNTOUCHED: maybe "") */
    int existed;                /* it existed: before is what it was when read */
    struct stat before, after;  /* after: what was written (WRITTEN) */
} fc_xmp_sidecar_result;

/* Brings the sidecar of the photo at path (width x height upright pixels) to hold faces
 * (n of them), as fc_xmp_regions_write merges them: into the sidecar that exists
 * (NAME.EXT.xmp, else NAME.xmp), else a new NAME.EXT.xmp; n 0 removes facecluster's earlier
 * regions, and touches nothing where there are none (no file is made to hold nothing). The
 * new packet is compared byte for byte with the file: equal, the file is left alone. It is
 * replaced atomically under how's rules; dry_run writes nothing. The photo is only read
 * (for its orientation). Returns 0 with *out filled, or a negative errno (a sidecar that
 * cannot be read or parsed is left as it is). */
int fc_xmp_sidecar_update(const char *path, int width, int height, const fc_xmp_face *faces, int n,
                          int dry_run, const fc_file_output *how, fc_xmp_sidecar_result *out,
                          char *err);

#endif
