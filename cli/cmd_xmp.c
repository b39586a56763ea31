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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const cli_globals *globals;
    cli_output out;
    const int64_t *people; /* the PERSONs given; n_people 0: everyone */
    int n_people, dry_run, json;
    int failed, written, unchanged, would;
    char **visited; /* the files pass one wrote, in path order */
    int n_visited, cap_visited, next_visited;
} job;

static int wanted(const job *j, const fc_store_named_photo *p)
{
    if (!j->n_people) return 1;
    for (int i = 0; i < p->n; i++)
        for (int k = 0; k < j->n_people; k++)
            if (p->faces[i].person == j->people[k]) return 1;
    return 0;
}

/* What was done with the sidecar of path, whose named faces are p's (NULL: none now). */
static void report(job *j, const char *path, const fc_store_named_photo *p, const char *sidecar,
                   const char *status)
{
    const int n = p ? p->n : 0;
    if (j->json) {
        json_t *faces = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(faces, json_pack("{s:I, s:I, s:o, s:o}", "face",
                                                   (json_int_t)p->faces[i].face, "person",
                                                   (json_int_t)p->faces[i].person, "name",
                                                   cli_json_text(p->faces[i].name), "box",
                                                   cli_json_box(p->faces[i].box)));
        cli_json_print(json_pack("{s:o, s:o, s:s, s:o}", "photo", cli_json_text(path), "sidecar",
                                 cli_json_text(sidecar), "status", status, "faces", faces));
        return;
    }
    printf("%-11s ", status);
    fc_text_escape(stdout, sidecar);
    printf(" (%d %s%s", n, fc_plural(n, "face", "faces"), n ? ":" : "");
    for (int i = 0; i < n; i++) {
        fputs(i ? ", " : " ", stdout);
        fc_text_escape(stdout, p->faces[i].name);
    }
    fputs(")\n", stdout);
}

/* Brings the sidecar of path to hold p's faces (NULL: none, clearing ours). */
static void write_one(job *j, const char *path, const fc_store_named_photo *p)
{
    char err[FC_ERR_MAX] = "";
    fc_xmp_sidecar_result did;
    if (fc_store_named_photo_update(path, p, j->dry_run, &j->out.how, &did, err)) {
        j->failed++;
        cli_warn(&cli_cmd_xmp, path, err);
    } else if (did.status == FC_XMP_SIDECAR_UNCHANGED) {
        j->unchanged++;
        report(j, path, p, did.path, "unchanged");
    } else if (did.status == FC_XMP_SIDECAR_WOULD) {
        j->would++;
        report(j, path, p, did.path, "would write");
    } else if (did.status == FC_XMP_SIDECAR_WRITTEN) {
        j->written++;
        report(j, path, p, did.path, "written");
    }
}

/* Pass one: the sidecar of each file with named faces the command was asked for, each
 * remembered for pass two. */
static int write_named(void *ctx, const fc_store_named_photo *p)
{
    job *j = ctx;
    if (!wanted(j, p)) return 0;
    write_one(j, p->path, p);
    if (j->n_visited == j->cap_visited) {
        const int cap = j->cap_visited ? 2 * j->cap_visited : 64;
        char **grown = realloc(j->visited, (size_t)cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        j->visited = grown, j->cap_visited = cap;
    }
    return (j->visited[j->n_visited] = strdup(p->path)) ? (j->n_visited++, 0) : -ENOMEM;
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
    write_one(j, path, NULL);
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
    if (!rc) rc = fc_store_named_photos(store, 0, write_named, &j, err);
    /* asked for everyone: every file's sidecar is as the store says, stale regions too */
    if (!rc && !j.n_people) rc = fc_store_files_under(store, "/", clear_stale, &j, err);
    if (rc == -ENOMEM) fc_errorf(err, rc, "out of memory");
    for (int i = 0; i < j.n_visited; i++) free(j.visited[i]);
    free(j.visited);
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
