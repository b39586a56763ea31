/* Doubt (doubt.c): how far each of a person's faces is from the person's other faces, by
 * the clustering's rule (core/cluster/cluster.h fc_cluster_doubt) in the library's space (through
 * the learned head when the daemon uses one), for `show`, `sheet` and `name`. */
#ifndef FC_CLI_DOUBT_H
#define FC_CLI_DOUBT_H

#include "cli/cli.h"

#include "store/store.h"

typedef struct {
    fc_store_face_row row; /* row.path owned (NULL: no present file) */
    float doubt;           /* mean cosine distance to the person's other faces; -1: none */
    int doubtful;          /* doubt over the threshold */
} cli_face;

typedef struct {
    cli_face *face;
    int n, cap;
    float threshold; /* over it a face is doubtful: FC_DOUBT_THRESHOLD in the library's space */
} cli_faces;

/* A person's faces (person 0: the faces in no person, without doubt), best score first,
 * each with its doubt, appended to *out (zeroed by the caller first). Returns 0, or a
 * negative errno with err set. The caller frees with cli_faces_free. */
int cli_faces_load(const cli_library *lib, int64_t person, cli_faces *out, char *err);
void cli_faces_free(cli_faces *f);

/* Orders faces[0..n) most doubtful first; equal doubts best score first, then by id. */
void cli_faces_by_doubt(cli_face *faces, int n);

/* The indices of faces[0..n) most doubtful first (equal doubts in their order), or NULL
 * when out of memory. The caller frees it. */
int *cli_faces_doubt_order(const cli_face *faces, int n);

#endif
