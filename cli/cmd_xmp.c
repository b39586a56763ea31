/* facecluster xmp write [PERSON...] [--dry-run] [--json] | xmp read PATH... [--json]
 *
 * write: the named faces of every photo holding a face of PERSON (of anyone named when none
 * is given) go into the photo's sidecar as MWG and Microsoft regions (core/image/xmp.h):
 * the sidecar that exists (NAME.EXT.xmp, else NAME.xmp), else a new NAME.EXT.xmp, replaced
 * atomically; the photo is never touched. A sidecar holds all the photo's named faces, not
 * only PERSON's: it replaces facecluster's earlier regions whole. The new packet is compared
 * byte for byte with the file: equal, the file is left alone (a second run changes nothing,
 * its time stamp included). */
#include "cli/xmp.h"

#include "core/fc_error.h"
#include "core/util/file.h"
#include "store/store.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* EXIF sits in a JPEG's first 64 KiB segment */
#define HEAD_BYTES ((size_t)256 << 10)

typedef struct {
    fc_xmp_face face;
    int64_t id, person;
    float box[4]; /* pixels, as the store has it */
} named;

typedef struct {
    const cli_globals *globals;
    cli_output out;
    const int64_t *people; /* the PERSONs given; n_people 0: everyone */
    int n_people, dry_run, json;
    char path[FC_XMP_PATH_MAX]; /* the file whose faces are gathered */
    int width, height;
    named *faces;
    int n, cap;
    int failed, written, unchanged, would;
    char **visited; /* the files pass one wrote, in path order */
    int n_visited, cap_visited, next_visited;
} job;

static int wanted(const job *j)
{
    if (!j->n_people) return 1;
    for (int i = 0; i < j->n; i++)
        for (int k = 0; k < j->n_people; k++)
            if (j->faces[i].person == j->people[k]) return 1;
    return 0;
}

static void report(job *j, const char *sidecar, const char *status)
{
    if (j->json) {
        json_t *faces = json_array();
        for (int i = 0; i < j->n; i++)
            json_array_append_new(faces, json_pack("{s:I, s:I, s:o, s:o}", "face",
                                                   (json_int_t)j->faces[i].id, "person",
                                                   (json_int_t)j->faces[i].person, "name",
                                                   cli_json_text(j->faces[i].face.name), "box",
                                                   cli_json_box(j->faces[i].box)));
        cli_json_print(json_pack("{s:o, s:o, s:s, s:o}", "photo", cli_json_text(j->path), "sidecar",
                                 cli_json_text(sidecar), "status", status, "faces", faces));
        return;
    }
    printf("%-11s ", status);
    fc_text_escape(stdout, sidecar);
    printf(" (%d %s%s", j->n, fc_plural(j->n, "face", "faces"), j->n ? ":" : "");
    for (int i = 0; i < j->n; i++) {
        fputs(i ? ", " : " ", stdout);
        fc_text_escape(stdout, j->faces[i].face.name);
    }
    fputs(")\n", stdout);
}

/* The sidecar of the gathered file: the existing one's bytes, or none. */
static int target(job *j, char *sidecar, char **old, size_t *old_len, char *err)
{
    char found[2][FC_XMP_PATH_MAX], all[2][FC_XMP_PATH_MAX];
    *old = NULL, *old_len = 0;
    int n = cli_xmp_sidecars(j->path, found, err);
    if (n < 0) return n;
    if (n == 0) {
        if ((n = fc_xmp_sidecar_paths(j->path, all, err)) < 0) return n;
        memcpy(sidecar, all[0], FC_XMP_PATH_MAX);
        return 0;
    }
    memcpy(sidecar, found[0], FC_XMP_PATH_MAX);
    uint8_t *bytes;
    int rc = fc_file_read(sidecar, FC_XMP_MAX_PACKET, &bytes, old_len, err);
    *old = (char *)bytes;
    return rc;
}

/* Writes the gathered file's sidecar; clearing: a file with no named face now, whose
 * existing sidecar loses the regions facecluster wrote there before. */
static void write_one(job *j, int clearing)
{
    char err[FC_ERR_MAX] = "", sidecar[FC_XMP_PATH_MAX];
    char *old = NULL, *packet = NULL;
    size_t old_len = 0, len = 0;
    uint8_t *head = NULL;
    size_t head_len = 0;
    int rc = clearing || (j->width > 0 && j->height > 0)
                 ? 0
                 : fc_errorf(err, -EINVAL, "the store has no size for this photo (index it again)");
    if (!rc && !clearing) rc = cli_xmp_read_head(j->path, HEAD_BYTES, &head, &head_len, err);
    if (!rc) rc = target(j, sidecar, &old, &old_len, err);
    /* a sidecar facecluster never wrote to has nothing of ours to clear (its namespace is
     * in every packet it wrote): not even parsed */
    if (!rc && clearing && (!old || !memmem(old, old_len, FC_XMP_NS, strlen(FC_XMP_NS)))) {
        free(old);
        return;
    }
    if (!rc) {
        fc_xmp_face *faces = malloc((size_t)j->n * sizeof *faces);
        for (int i = 0; faces && i < j->n; i++) faces[i] = j->faces[i].face;
        const fc_xmp_photo photo = {clearing ? 1 : j->width, clearing ? 1 : j->height,
                                    clearing ? 1 : cli_xmp_orientation(head, head_len)};
        rc = faces ? fc_xmp_regions_write(old, old_len, &photo, faces, j->n, &packet, &len, err)
                   : fc_errorf(err, -ENOMEM, "out of memory");
        free(faces);
    }
    if (!rc && old && old_len == len && !memcmp(old, packet, len)) {
        j->unchanged++;
        report(j, sidecar, "unchanged");
    } else if (!rc && j->dry_run) {
        j->would++;
        report(j, sidecar, "would write");
    } else if (!rc && !(rc = fc_file_write_atomic(sidecar, packet, len, &j->out.how, err))) {
        j->written++;
        report(j, sidecar, "written");
    }
    if (rc) {
        j->failed++;
        cli_warn(&cli_cmd_xmp, j->path, err);
    }
    free(head), free(old), free(packet);
}

/* Writes the gathered file's sidecar, when it has faces the command was asked for, and
 * remembers it for pass two. */
static int flush(job *j)
{
    if (!j->n || !wanted(j)) return 0;
    write_one(j, 0);
    if (j->n_visited == j->cap_visited) {
        const int cap = j->cap_visited ? 2 * j->cap_visited : 64;
        char **grown = realloc(j->visited, (size_t)cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        j->visited = grown, j->cap_visited = cap;
    }
    return (j->visited[j->n_visited] = strdup(j->path)) ? (j->n_visited++, 0) : -ENOMEM;
}

/* Pass two, for every present file in path order: one pass one did not write whose
 * sidecar holds regions of ours loses them (its faces were unnamed, renamed away or
 * moved since). */
static int clear_stale(void *ctx, const char *path, const fc_store_file *file)
{
    (void)file;
    job *j = ctx;
    while (j->next_visited < j->n_visited && strcmp(j->visited[j->next_visited], path) < 0)
        j->next_visited++;
    if (j->next_visited < j->n_visited && !strcmp(j->visited[j->next_visited], path)) return 0;
    snprintf(j->path, sizeof j->path, "%s", path);
    write_one(j, 1);
    return 0;
}

static void clear(job *j)
{
    for (int i = 0; i < j->n; i++) free((char *)j->faces[i].face.name);
    j->n = 0;
}

static int gather(void *ctx, const fc_store_named_face *f)
{
    job *j = ctx;
    if (strcmp(f->path, j->path)) {
        if (flush(j)) return -ENOMEM;
        clear(j);
        snprintf(j->path, sizeof j->path, "%s", f->path);
        j->width = f->width, j->height = f->height;
    }
    if (j->n == j->cap) {
        const int cap = j->cap ? 2 * j->cap : 8;
        named *grown = realloc(j->faces, (size_t)cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        j->faces = grown, j->cap = cap;
    }
    named *g = &j->faces[j->n];
    g->id = f->face, g->person = f->person;
    memcpy(g->box, f->box, sizeof g->box);
    /* the box in 0..1 of the upright photo, clipped to it (a detector's may reach past) */
    const double W = f->width > 0 ? f->width : 1, H = f->height > 0 ? f->height : 1;
    const double l = fmax(f->box[0], 0), t = fmax(f->box[1], 0);
    const double r = fmin(f->box[0] + f->box[2], W), b = fmin(f->box[1] + f->box[3], H);
    if (r <= l || b <= t) return 0; /* nothing of it inside: nothing to write */
    g->face.box[0] = l / W, g->face.box[1] = t / H;
    g->face.box[2] = (r - l) / W, g->face.box[3] = (b - t) / H;
    if (!(g->face.name = strdup(f->name))) return -ENOMEM;
    j->n++;
    return 0;
}

static int write_sidecars(const cli_globals *globals, const cli_args *args)
{
    job j = {.globals = globals,
             .dry_run = cli_args_has(args, "dry-run"),
             .json = cli_args_has(args, "json")};
    fc_store *store = cli_open_store(globals, 1);
    if (!store) return CLI_FAILED;
    char err[FC_ERR_MAX] = "";
    int rc = 0;
    int64_t *people = calloc((size_t)args->argc, sizeof *people);
    if (!people) rc = fc_errorf(err, -ENOMEM, "out of memory");
    for (int i = 1; !rc && i < args->argc; i++) {
        rc = fc_store_person_find(store, args->argv[i], &people[j.n_people], err);
        char *name = NULL;
        if (!rc && !(rc = fc_store_person_name_get(store, people[j.n_people], &name, err)) && !name)
            rc =
                fc_errorf(err, -EINVAL, "person %lld has no name: name it first (facecluster name)",
                          (long long)people[j.n_people]);
        free(name);
        j.n_people++;
    }
    j.people = people;
    /* a sidecar may be replaced whatever it holds: its other tags are merged, not lost */
    cli_output_init(&j.out, globals, NULL, 0, 1);
    if (!rc) rc = fc_store_named_faces(store, 0, gather, &j, err);
    if (!rc) rc = flush(&j);
    clear(&j);
    /* asked for everyone: every file's sidecar is as the store says, stale regions too */
    if (!rc && !j.n_people) rc = fc_store_files_under(store, "/", clear_stale, &j, err);
    if (rc == -ENOMEM) fc_errorf(err, rc, "out of memory");
    for (int i = 0; i < j.n_visited; i++) free(j.visited[i]);
    free(j.visited);
    free(j.faces);
    free(people);
    fc_store_close(store);
    if (rc) return cli_failed(&cli_cmd_xmp, err);
    const int done = j.dry_run ? j.would : j.written;
    if (!j.json)
        printf("%d %s %s, %d unchanged%s\n", done, fc_plural(done, "sidecar", "sidecars"),
               j.dry_run ? "would be written" : "written", j.unchanged,
               j.failed ? ", some failed" : "");
    return j.failed ? CLI_FAILED : CLI_OK;
}

/* `xmp read --import PATH...`: the daemon reads each photo again, names and all. */
static int import_again(const cli_globals *globals, char **paths, int count, int json)
{
    fc_store *store = cli_open_store(globals, 0);
    if (!store) return CLI_FAILED;
    int marked = 0, failed = 0;
    for (int i = 0; i < count; i++) {
        char err[FC_ERR_MAX], *full = realpath(paths[i], NULL);
        const int rc = full ? fc_store_read_again(store, full, err) : -errno;
        if (rc == 1) {
            marked++;
        } else {
            failed = 1;
            if (rc == 0)
                snprintf(err, sizeof err, "not a photo of the store (not indexed yet)");
            else if (!full)
                snprintf(err, sizeof err, "%s", strerror(-rc));
            cli_warn(&cli_cmd_xmp, paths[i], err);
        }
        free(full);
    }
    fc_store_close(store);
    if (json)
        cli_json_print(json_pack("{s:i}", "read_again", marked));
    else
        printf("%d %s to read again with %s XMP: faceclusterd takes %s within seconds if it "
               "runs, else at its next start\n",
               marked, fc_plural(marked, "photo", "photos"), marked == 1 ? "its" : "their",
               marked == 1 ? "it" : "them");
    return failed ? CLI_FAILED : CLI_OK;
}

static const cli_option_spec options[] = {
    {"dry-run", 'n', NULL, "write: say what would be written, write nothing"},
    {"import", 0, NULL,
     "read: have the daemon read these photos and their sidecars again and take their face "
     "names"},
    {"json", 0, NULL, "one JSON object per sidecar (write) or region (read)"},
    {0},
};

static int exec(const cli_globals *globals, const cli_args *args)
{
    const char *what = args->argv[0];
    if (!strcmp(what, "write")) return write_sidecars(globals, args);
    if (!strcmp(what, "read") && args->argc > 1 && cli_args_has(args, "import"))
        return import_again(globals, args->argv + 1, args->argc - 1, cli_args_has(args, "json"));
    if (!strcmp(what, "read") && args->argc > 1 && !cli_args_has(args, "dry-run"))
        return cli_xmp_read(&cli_cmd_xmp, args->argv + 1, args->argc - 1,
                            cli_args_has(args, "json"));
    if (strcmp(what, "read")) {
        fputs("facecluster xmp: no subcommand ", stderr);
        fc_text_escape(stderr, what);
        fputs(" (write or read)\n", stderr);
    }
    return cli_usage(&cli_cmd_xmp);
}

const cli_command cli_cmd_xmp = {
    .name = "xmp",
    .usage = "write [PERSON...] [--dry-run] [--json] | read PATH... [--json] [--import]",
    .summary = "write named people's faces into the photos' XMP sidecars as MWG and Microsoft "
               "face regions (other tags kept), or read the regions a photo and its sidecars "
               "carry (--import: the daemon reads them again and takes their names)",
    .options = options,
    .min_args = 1,
    .max_args = -1,
    .exec = exec,
};
