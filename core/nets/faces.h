/* One call for a whole photo: file -> upright image -> faces (box, score, landmarks) ->
 * aligned crops -> unit embeddings and their 128-byte form. Every detection is
 * returned; what to do with small or low-score faces is the caller's choice. */
#ifndef FC_FACES_H
#define FC_FACES_H

#include "core/nets/detect.h"
#include "core/nets/embedding.h"
#include "core/image/exif.h"
#include "core/image/image.h"
#include "core/nets/landmarks.h"
#include "core/nn/model.h"

/* A face whose box is smaller than this (its shorter side, in upright pixels) is flagged
 * `small`: the descriptor was trained on faces with more detail than that, so its
 * embedding is less reliable. */
#define FC_FACE_SMALL 48

/* The fast path. A photo is decoded for detection at the smallest DCT scale (n/8) whose
 * longer side reaches FC_FACES_DECODE_SIDE: a 24 MP photo at 3/8, in a fraction of the
 * time and memory (the detectors see 512 pixels anyway). A face that this shows with
 * less detail than its 150-pixel chip wants (its chip would be enlarged: a chip pixel
 * spans fewer than FC_FACES_DETAIL_SCALE photo pixels) is cut from a region of the file
 * decoded again at the scale it needs. Boxes and landmarks are always reported in
 * full-size pixels. */
#define FC_FACES_DECODE_SIDE 2048

/* A picture narrower or lower than this is an icon, not a photo: it is not searched
 * (finding nothing in it would cost all four detector passes). */
#define FC_FACES_MIN_SIDE 16
#define FC_FACES_DETAIL_SCALE 1.0

enum fc_alignment {
    FC_ALIGN_CHIP,  /* dlib's face chip: rotated, scaled onto the mean face (align.h) */
    FC_ALIGN_BOX,   /* the reference's axis-aligned box from the landmarks */
    FC_ALIGN_CHIP5, /* dlib's face chip from five landmarks (eye corners, base of the nose) */
    FC_ALIGN_CHIPS  /* both chips, their embeddings averaged (2x the cost) */
};

typedef struct {
    float box[4]; /* x, y, w, h in the upright photo's pixels */
    float score;  /* detector score, 0..1 */
    float landmarks[FC_LANDMARK_POINTS][2];
    int small;                     /* the box's shorter side is under FC_FACE_SMALL */
    float embedding[FC_EMBED_DIM]; /* unit length; all zero with want_embeddings off */
    fc_qembed quantized;
} fc_face;

/* Where a photo's time went, for benchmarks and the daemon's log. */
enum fc_stage {
    FC_STAGE_DECODE,    /* EXIF, JPEG decoding, turning upright */
    FC_STAGE_DETECT,    /* the detector, one or two passes */
    FC_STAGE_LANDMARKS, /* 68 points a face */
    FC_STAGE_EMBED,     /* alignment and the descriptor, in batches */
    FC_STAGE_COUNT
};

typedef struct {
    int width, height; /* the upright photo */
    fc_exif exif;      /* orientation applied; capture time for the caller */
    int count;
    fc_face *faces;       /* count faces, best score first; caller frees with fc_photo_free */
    int decode_scale_num; /* decoded for detection at decode_scale_num / 8 */
    int detail_scale_num; /* a region decoded again at detail_scale_num / 8; 0: none */
    double stage_seconds[FC_STAGE_COUNT];
} fc_photo;

/* Detector passes over a photo, in this order: SSD, tiny, SSD on a canvas, tiny on a
 * canvas (the photo shrunk into a black canvas twice its size, for large faces). The
 * first chosen runs on every photo, the others only when the passes before found no face
 * or a large one. Their faces are merged: one found by several keeps the box that scored
 * best. */
enum { FC_PASS_SSD = 1, FC_PASS_SSD_CANVAS = 2, FC_PASS_TINY = 4, FC_PASS_TINY_CANVAS = 8 };

/* Marked faces past this many in one photo are ignored (a photo's XMP is the user's, but
 * a file can be anyone's). */
#define FC_FACES_MAX_MARKED 64

typedef struct {
    enum fc_detector detector; /* FC_DETECTOR_SSD unless asked */
    unsigned passes;           /* FC_PASS_*; 0: the detector's default (faces.c) */
    float min_score;           /* detections kept above this; 0 means the default 0.5 */
    enum fc_alignment alignment;
    int want_embeddings; /* 0: detection and landmarks only */
    int mirror; /* chip alignment: also embed the mirrored chip and average (2x the cost) */
    int full_resolution;  /* decode at full size, never scaled (the reference's way) */
    int refine_landmarks; /* find the landmarks again in the box the first ones imply */
    int mirror_landmarks; /* average the landmarks with those of the mirrored face */
    /* Faces a person marked (left, top, width, height as fractions of the upright photo's
     * width and height, as XMP face regions keep them): each one no detected face matches
     * (fc_box_region_match) becomes a face of its own, score 0, its landmarks and embedding
     * found inside the box, because the user said there is a face there. Borrowed for the
     * call. */
    const float (*marked)[4];
    int marked_count;
} fc_faces_opts;

typedef struct fc_faces fc_faces;

/* The options measured best (chip alignment averaged with its mirror image, the SSD's
 * default passes), embeddings wanted. */
fc_faces_opts fc_faces_default_opts(void);

/* The networks for one worker thread (about 60 MB of activations), over the model's
 * mapped weights (borrowed; must outlive it). Caller frees with fc_faces_free. */
int fc_faces_new(const fc_model *model, fc_faces **out, char *err);
void fc_faces_free(fc_faces *f);

/* Finds, aligns and embeds every face of the photo in `data` (JPEG or PPM bytes). On
 * success *photo owns its faces (fc_photo_free). Errors as fc_image_decode. */
int fc_faces_run(fc_faces *f, const uint8_t *data, size_t len, const fc_faces_opts *opts,
                 fc_photo *photo, char *err);
/* The same for a file (a regular file at most FC_IMAGE_MAX_FILE_BYTES). */
int fc_faces_run_file(fc_faces *f, const char *path, const fc_faces_opts *opts, fc_photo *photo,
                      char *err);
void fc_photo_free(fc_photo *photo);

/* What decides an embedding, as 16 hex digits: the model's weights, these options and
 * the pipeline's own version (FC_FACES_PIPELINE_VERSION, raised whenever the code changes
 * what a face's embedding is, or which faces a photo has: pre-processing, alignment,
 * averaging, detection). Stored with every
 * face; when it changes, faces are embedded again (store.h). */
#define FC_FACES_PIPELINE_VERSION 2 /* 2: one face found by two passes is one face */
#define FC_FACES_VERSION_LEN 16
void fc_faces_version(const fc_model *model, const fc_faces_opts *opts,
                      char out[FC_FACES_VERSION_LEN + 1]);

/* Embeds one aligned 150 x 150 RGB chip (and with mirror, its mirror image) into face's
 * embedding and 128-byte form; for evaluations that alter chips (bench/robustness). */
int fc_faces_embed_chip(fc_faces *f, const uint8_t *chip, int mirror, fc_face *face, char *err);

#endif
