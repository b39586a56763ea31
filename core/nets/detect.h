/* What both face detectors report, and the non-maximum suppression they share. */
#ifndef FC_DETECT_H
#define FC_DETECT_H

#define FC_DETECT_MIN_SCORE 0.5f /* both reference detectors' default */
#define FC_DETECT_MAX_RESULTS 100

enum fc_detector {
    FC_DETECTOR_SSD, /* SSD MobileNet v1: the more accurate, the default */
    FC_DETECTOR_TINY /* the tiny face detector: about 8x less work, misses small faces */
};

typedef struct {
    float x, y, w, h; /* in the image's pixels; may reach past its edges */
    float score;      /* 0..1 */
    int anchor;       /* which of the network's anchors it came from */
} fc_detection;

/* Intersection over union of two boxes given as [x0, y0, x1, y1] (either corner order);
 * 0 when either is empty. */
double fc_box_iou(const double a[4], const double b[4]);

/* Whether a detected face's box and a box a person drew around a face (an XMP region of
 * digiKam, Lightroom, Picasa...) show the same face, as a score: 0 when they do not, else
 * the share of the smaller box inside the larger. People draw heads, detectors faces, so
 * union-based overlap is too strict; a small box inside a huge one (a face in a region
 * drawn around a group) is no match either (area ratio past 6). Boxes as left, top,
 * width, height (the form faces and regions are kept in), in any one unit. */
double fc_box_region_match(const double face[4], const double region[4]);

/* Greedy non-maximum suppression as both references do it: of the boxes scoring above
 * min_score, the best is kept, every box overlapping it by more than max_iou dropped,
 * and so on. Among equal scores the lower index goes first, or the higher one with
 * ties_to_higher. Writes at most max indices to kept, best first; returns how many, or
 * -ENOMEM. */
int fc_nms(const double (*boxes)[4], const float *scores, int n, float min_score, double max_iou,
           int ties_to_higher, int max, int *kept);

#endif
