/* How long dlib's face descriptors are: dlib's examples compare them by euclidean
 * distance (0.6: the same person), we by the cosine distance of unit vectors, and
 * euclidean d between vectors of length r is cosine distance d^2 / (2 r^2). This network
 * is dlib's, so its raw output on dlib's face chip is dlib's descriptor. */
#ifndef FC_BENCH_DLIB_NORM_H
#define FC_BENCH_DLIB_NORM_H

/* The mean length of the raw descriptor of the face nearest the centre of each photo
 * (dlib's face chip: 150 px, padding 0.25, no mirror image, as dlib's example), over the
 * photos where one is found: *mean and *faces. Returns 0 or a negative error code, with
 * err. */
int dlib_descriptor_norm(const char *model_path, char *const *paths, int count, double *mean,
                         int *faces, char *err);

#endif
