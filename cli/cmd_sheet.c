/* facecluster sheet (PERSON | --all) -o FILE.jpg: a contact sheet of faces cut from the
 * photos, as a JPEG. PERSON: a grid of that person's faces, best first, each labelled with
 * its face id, under a title with the name and the face count. --all: a row per person
 * (largest first, hidden ones left out, groups of one too with --unsorted), its label on
 * the left, then its best faces. Each photo is read and decoded once for all its faces,
 * at the smallest DCT scale that still fills a cell (core/sheet.h); a photo that cannot be
 * read any more shows a grey "missing" cell, and the sheet is still written. FILE is
 * written atomically, never over the store, a device, a link or a folder, and over an
 * existing file only if it is a JPEG (an earlier sheet) or with --force. */
#include "cli.h"

#include "../core/fc_error.h"
#include "../core/file.h"
#include "../core/font.h"
#include "../core/image.h"
#include "../core/sheet.h"
#include "../store/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_COLUMNS 8
#define DEFAULT_SIZE 112
#define DEFAULT_MAX 64
#define MAX_LIMIT 100000
#define MARGIN 0.25 /* of a face's longer side, added on each side */
#define QUALITY 90
#define UNSORTED_BELOW 2     /* as `people`: smaller groups are strangers, listed apart */
#define ROW_LABEL_GLYPHS 20  /* the widest row label, in glyphs */
#define MAX_TITLE_WIDTH 2048 /* a sheet is widened for its title up to this */

typedef struct {
    int64_t face;
    char *path; /* NULL: no present file */
    float box[4];
    int row, col;
} sheet_face;

typedef struct {
    int64_t id, faces;
    char *name; /* NULL: unnamed */
} sheet_person;

typedef struct {
    sheet_face *faces;
    int count, cap;
    int limit;     /* faces wanted from the current person */
    int taken;     /* of them so far */
    int64_t total; /* the current person's faces, all of them */
    int row;       /* the current person's row (--all), -1: rows of `columns` faces */
    int columns;
} face_list;

typedef struct {
    sheet_person *people;
    int count, cap, limit;
    int64_t want; /* a person to find by id (single mode); 0: every one */
} person_list;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int add_face(void *ctx, const fc_store_face_row *f)
{
    face_list *l = ctx;
    l->total++;
    if (l->taken >= l->limit) return l->row >= 0 ? 1 : 0; /* --all: enough; else: counting */
    if (l->count == l->cap) {
        const int cap = l->cap ? 2 * l->cap : 64;
        sheet_face *grown = realloc(l->faces, (size_t)cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        l->faces = grown, l->cap = cap;
    }
    sheet_face *s = &l->faces[l->count];
    s->path = dup_or_null(f->path);
    if (f->path && !s->path) return -ENOMEM;
    s->face = f->face;
    memcpy(s->box, f->box, sizeof s->box);
    s->row = l->row >= 0 ? l->row : l->taken / l->columns;
    s->col = l->row >= 0 ? l->taken : l->taken % l->columns;
    l->count++, l->taken++;
    return 0;
}

static int add_person(void *ctx, const fc_store_person *p)
{
    person_list *l = ctx;
    if ((l->want && p->id != l->want) || l->count >= l->limit) return 0;
    if (l->count == l->cap) {
        const int cap = l->cap ? 2 * l->cap : 16;
        sheet_person *grown = realloc(l->people, (size_t)cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        l->people = grown, l->cap = cap;
    }
    sheet_person *s = &l->people[l->count];
    s->id = p->id, s->faces = p->faces;
    s->name = dup_or_null(p->name);
    if (p->name && !s->name) return -ENOMEM;
    l->count++;
    return 0;
}

/* How a person is called on the sheet. */
static void person_label(const sheet_person *p, int64_t id, char *buf, size_t cap)
{
    if (p && p->name)
        snprintf(buf, cap, "%s", p->name);
    else
        snprintf(buf, cap, "person %lld", (long long)id);
}

static int by_path(const void *a, const void *b)
{
    const sheet_face *x = a, *y = b;
    if (!x->path || !y->path) return (x->path != NULL) - (y->path != NULL);
    return strcmp(x->path, y->path);
}

/* Fills every face's cell: each photo read and decoded once, for all of its faces. Returns
 * how many cells show "missing" (naming each photo that failed on stderr), or an error
 * that stops the sheet (out of memory). */
static int fill_cells(fc_sheet *sheet, sheet_face *faces, int count, int cell)
{
    int missing = 0;
    qsort(faces, (size_t)count, sizeof *faces, by_path);
    float(*boxes)[4] = malloc((size_t)(count ? count : 1) * sizeof *boxes);
    double(*squares)[4] = malloc((size_t)(count ? count : 1) * sizeof *squares);
    if (!boxes || !squares) {
        free(boxes);
        free(squares);
        return -ENOMEM;
    }
    int rc = 0;
    for (int first = 0, last; first < count && rc >= 0; first = last) {
        for (last = first + 1; last < count && faces[first].path && faces[last].path &&
                               strcmp(faces[first].path, faces[last].path) == 0;
             last++)
            continue;
        const int n = last - first;
        char err[FC_ERR_MAX], label[32];
        uint8_t *data = NULL;
        size_t len = 0;
        fc_image img = {0};
        int failed = faces[first].path ? 0 : fc_errorf(err, -ENOENT, "no file shows its photo");
        if (!failed)
            failed = fc_file_read(faces[first].path, FC_IMAGE_MAX_FILE_BYTES, &data, &len, err);
        for (int i = 0; i < n && !failed; i++)
            memcpy(boxes[i], faces[first + i].box, sizeof *boxes);
        if (!failed)
            failed = fc_sheet_decode_faces(data, len, (const float(*)[4])boxes, n, MARGIN, cell,
                                           &img, squares, err);
        free(data);
        if (failed == -ENOMEM) rc = failed;
        if (failed) {
            fputs("facecluster sheet: ", stderr);
            if (faces[first].path) {
                fc_text_escape(stderr, faces[first].path);
                fputs(": ", stderr);
            }
            fc_text_escape(stderr, err);
            fputc('\n', stderr);
        }
        for (int i = first; i < last; i++) {
            snprintf(label, sizeof label, "%lld", (long long)faces[i].face);
            if (!failed && fc_sheet_put(sheet, faces[i].row, faces[i].col, &img, squares[i - first],
                                        label, err) == 0)
                continue;
            fc_sheet_put_missing(sheet, faces[i].row, faces[i].col, label);
            missing++;
        }
        fc_image_free(&img);
    }
    free(boxes);
    free(squares);
    return rc < 0 ? rc : missing;
}

/* A positive integer option value in [lo, hi], or -1 after saying what is wrong. */
static int int_arg(const char *opt, const char *value, int lo, int hi)
{
    char *end;
    errno = 0;
    const long v = value ? strtol(value, &end, 10) : 0;
    if (!value || errno || end == value || *end || v < lo || v > hi) {
        fprintf(stderr, "facecluster sheet: %s takes a number from %d to %d\n", opt, lo, hi);
        return -1;
    }
    return (int)v;
}

typedef struct {
    const char *who, *out;
    int all, unsorted, json, force, columns, size, max;
} sheet_args;

static int parse(int argc, char **argv, sheet_args *a)
{
    *a = (sheet_args){.columns = DEFAULT_COLUMNS, .size = DEFAULT_SIZE, .max = DEFAULT_MAX};
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--json") == 0)
            a->json = 1;
        else if (strcmp(arg, "--all") == 0)
            a->all = 1;
        else if (strcmp(arg, "--unsorted") == 0)
            a->unsorted = 1;
        else if (strcmp(arg, "--force") == 0)
            a->force = 1;
        else if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) {
            if (!value || !*value) return -1;
            a->out = value, i++;
        } else if (strcmp(arg, "--columns") == 0) {
            if ((a->columns = int_arg(arg, value, 1, 64)) < 0) return -1;
            i++;
        } else if (strcmp(arg, "--size") == 0) {
            if ((a->size = int_arg(arg, value, 32, 512)) < 0) return -1;
            i++;
        } else if (strcmp(arg, "--max") == 0) {
            if ((a->max = int_arg(arg, value, 1, MAX_LIMIT)) < 0) return -1;
            i++;
        } else if (arg[0] == '-' && arg[1]) {
            fputs("facecluster sheet: unknown option ", stderr);
            fc_text_escape(stderr, arg);
            fputc('\n', stderr);
            return -1;
        } else if (!a->who)
            a->who = arg;
        else
            return -1;
    }
    if (!a->out) fputs("facecluster sheet: -o FILE is required\n", stderr);
    if (!a->out || a->all == (a->who != NULL)) return -1; /* PERSON or --all, one of them */
    if (a->unsorted && !a->all) return -1;
    return 0;
}

static void free_lists(face_list *faces, person_list *people)
{
    for (int i = 0; i < faces->count; i++) free(faces->faces[i].path);
    free(faces->faces);
    for (int i = 0; i < people->count; i++) free(people->people[i].name);
    free(people->people);
}

static int run(const cli_globals *globals, int argc, char **argv)
{
    sheet_args a;
    if (parse(argc, argv, &a) != 0) return cli_usage(&cli_cmd_sheet);
    char err[FC_ERR_MAX] = "", title[400], label[256], detail[64];
    /* refused before any work: what -o names may be the store, a device, someone's file */
    static const char *const jpeg_extensions[] = {"jpg", "jpeg", NULL};
    static const uint8_t jpeg_magic[] = {0xFF, 0xD8, 0xFF};
    cli_output output;
    cli_output_init(&output, globals, jpeg_magic, sizeof jpeg_magic, a.force);
    if (!cli_output_has_extension(a.out, jpeg_extensions)) {
        fc_errorf(err, -EINVAL, "a sheet is a JPEG: name its file .jpg or .jpeg, not %.200s",
                  a.out);
        return cli_failed(&cli_cmd_sheet, err);
    }
    if (fc_file_output_check(a.out, &output.how, err) != 0) return cli_failed(&cli_cmd_sheet, err);
    fc_store *store = cli_open_store(globals, 1);
    if (!store) return CLI_FAILED;
    face_list faces = {.columns = a.columns, .row = -1};
    person_list people = {.limit = a.all ? a.max : 1};
    fc_sheet *sheet = NULL;
    uint8_t *jpeg = NULL;
    size_t jpeg_len = 0;
    int rc = 0, missing = 0;
    int64_t person = 0;
    if (a.all) {
        rc =
            fc_store_people(store, a.unsorted ? 1 : UNSORTED_BELOW, 0, 0, add_person, &people, err);
        for (int i = 0; i < people.count && rc >= 0; i++) {
            faces.row = i, faces.taken = 0, faces.limit = a.columns;
            rc = fc_store_person_faces(store, people.people[i].id, add_face, &faces, err);
        }
    } else {
        rc = fc_store_person_find(store, a.who, &person, err);
        if (!rc) { /* its name, if it has faces to show */
            people.want = person;
            rc = fc_store_people(store, 1, 0, 1, add_person, &people, err);
        }
        faces.limit = a.max;
        if (!rc) rc = fc_store_person_faces(store, person, add_face, &faces, err);
    }
    if (rc == -ENOMEM) fc_errorf(err, rc, "out of memory");
    if (rc < 0) goto done;
    rc = 0;

    /* the grid: as many columns as the widest row needs */
    int columns = 1, rows = 0, widest_label = 0;
    for (int i = 0; i < faces.count; i++) {
        columns = faces.faces[i].col + 1 > columns ? faces.faces[i].col + 1 : columns;
        rows = faces.faces[i].row + 1 > rows ? faces.faces[i].row + 1 : rows;
    }
    if (a.all) {
        rows = people.count;
        for (int i = 0; i < people.count; i++) {
            person_label(&people.people[i], people.people[i].id, label, sizeof label);
            const int w = fc_font_width(label, 2);
            widest_label = w > widest_label ? w : widest_label;
        }
        const int cap = (ROW_LABEL_GLYPHS * FC_FONT_ADVANCE - 1) * 2;
        widest_label = widest_label > cap ? cap : widest_label < 60 ? 60 : widest_label;
    }
    /* the title first: the sheet is made wide enough for it */
    const int title_scale = a.size >= 80 ? 3 : 2, gap = a.size / 14 > 4 ? a.size / 14 : 4;
    if (a.all) {
        snprintf(title, sizeof title, "%d %s, %d %s", people.count,
                 fc_plural(people.count, "person", "people"), faces.count,
                 fc_plural(faces.count, "face", "faces"));
    } else {
        person_label(people.count ? &people.people[0] : NULL, person, label, sizeof label);
        if (faces.total > faces.count)
            snprintf(title, sizeof title, "%s: %lld faces, the best %d shown", label,
                     (long long)faces.total, faces.count);
        else
            snprintf(title, sizeof title, "%s: %lld %s", label, (long long)faces.total,
                     fc_plural(faces.total, "face", "faces"));
    }
    const int title_w = fc_font_width(title, title_scale) + 2 * gap;
    const fc_sheet_layout layout = {.columns = columns,
                                    .rows = rows,
                                    .cell = a.size,
                                    .gap = gap,
                                    .label_scale = a.size >= 160 ? 2 : 1,
                                    .title_scale = title_scale,
                                    .row_label_width = a.all ? widest_label : 0,
                                    .row_label_scale = 2,
                                    .min_width =
                                        title_w < MAX_TITLE_WIDTH ? title_w : MAX_TITLE_WIDTH};
    rc = fc_sheet_new(&layout, &sheet, err);
    if (rc == -EINVAL) { /* too large */
        char why[FC_ERR_MAX];
        snprintf(why, sizeof why, "%s", err);
        fc_errorf(err, rc, "%.160s: show fewer faces with --max or --size", why);
    }
    if (rc) goto done;
    for (int i = 0; i < (a.all ? people.count : 0); i++) {
        const sheet_person *p = &people.people[i];
        person_label(p, p->id, label, sizeof label);
        if (p->name) /* the id too, for the commands that take one */
            snprintf(detail, sizeof detail, "person %lld, %lld %s", (long long)p->id,
                     (long long)p->faces, fc_plural(p->faces, "face", "faces"));
        else
            snprintf(detail, sizeof detail, "%lld %s", (long long)p->faces,
                     fc_plural(p->faces, "face", "faces"));
        fc_sheet_row_label(sheet, i, label, detail);
    }
    fc_sheet_title(sheet, title);
    missing = fill_cells(sheet, faces.faces, faces.count, a.size);
    if (missing < 0) {
        rc = fc_errorf(err, missing, "out of memory");
        goto done;
    }
    const fc_image *img = fc_sheet_image(sheet);
    rc = fc_image_encode_jpeg(img, QUALITY, &jpeg, &jpeg_len, err);
    if (!rc) rc = fc_file_write_atomic(a.out, jpeg, jpeg_len, &output.how, err);
    if (rc) goto done;
    if (missing)
        fprintf(stderr, "facecluster sheet: %d of %d %s missing (their photos could not be read)\n",
                missing, faces.count, fc_plural(faces.count, "face", "faces"));
    const int shown_people = a.all ? people.count : 1;
    if (a.json) {
        fputs("{\"path\": ", stdout);
        cli_json_string(stdout, a.out);
        printf(", \"faces\": %d, \"people\": %d, \"missing\": %d, \"width\": %d, \"height\": %d}\n",
               faces.count, shown_people, missing, img->width, img->height);
    } else {
        printf("wrote ");
        fc_text_escape(stdout, a.out);
        printf(": %d %s of %d %s, %dx%d pixels\n", faces.count,
               fc_plural(faces.count, "face", "faces"), shown_people,
               fc_plural(shown_people, "person", "people"), img->width, img->height);
    }
done:
    if (rc) cli_failed(&cli_cmd_sheet, err);
    free(jpeg);
    fc_sheet_free(sheet);
    free_lists(&faces, &people);
    fc_store_close(store);
    return rc ? CLI_FAILED : CLI_OK;
}

const cli_command cli_cmd_sheet = {
    .name = "sheet",
    .usage = "(PERSON | --all [--unsorted]) -o FILE.jpg [--force] [--columns N] [--size PX] "
             "[--max N] [--json]",
    .summary = "a contact sheet of a person's faces (or a row per person with --all) as a JPEG",
    .run = run,
};
