/* facecluster sheet (PERSON | --all) -o FILE.jpg: a contact sheet of faces cut from the
 * photos, as a JPEG. PERSON: a grid of that person's faces, the doubtful ones first
 * (farthest from the person's other faces by the clustering's rule: doubt.h), framed and
 * labelled with that distance, then the best, each labelled with its face id, under a
 * title with the name and the face count. --all: a row per person (largest first, hidden
 * ones left out, groups of one too with --unsorted, and then the faces in no person), its
 * label on the left, then its best faces and at the row's end its doubtful ones (or, when
 * none is and not all fit, its most doubtful one). Each photo is read and decoded once for
 * all its faces, at the smallest DCT scale that still fills a cell (core/sheet/sheet.h); a photo
 * that cannot be read any more shows a grey "missing" cell, and the sheet is still
 * written. FILE is written atomically, never over the store, a device, a link or a
 * folder, and over an existing file only if it is a JPEG (an earlier sheet) or with
 * --force. */
#include "cli/cli.h"
#include "cli/doubt.h"

#include "core/fc_error.h"
#include "core/util/file.h"
#include "core/sheet/font.h"
#include "core/sheet/typeface.h"
#include "core/image/image.h"
#include "core/sheet/sheet.h"
#include "store/store.h"

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
    float doubt; /* shown under it when >= 0 */
    int mark;    /* doubtful: framed */
} sheet_face;

typedef struct {
    int64_t id, faces;
    int doubtful; /* of its faces */
    char *name;   /* NULL: unnamed */
} sheet_person;

typedef struct {
    sheet_face *faces;
    int count, cap;
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

static int add_face(face_list *l, const cli_face *f, int row, int col, int show_doubt)
{
    if (l->count == l->cap) {
        const int cap = l->cap ? 2 * l->cap : 64;
        sheet_face *grown = realloc(l->faces, (size_t)cap * sizeof *grown);
        if (!grown) return -ENOMEM;
        l->faces = grown, l->cap = cap;
    }
    sheet_face *s = &l->faces[l->count];
    s->path = dup_or_null(f->row.path);
    if (f->row.path && !s->path) return -ENOMEM;
    s->face = f->row.face;
    memcpy(s->box, f->row.box, sizeof s->box);
    s->row = row, s->col = col;
    s->doubt = show_doubt || f->doubtful ? f->doubt : -1;
    s->mark = f->doubtful;
    l->count++;
    return 0;
}

/* Puts a person's faces (f, best score first) on the list: the doubtful ones, most
 * doubtful first, at most `room` of them, and the best of the others, `limit` in all;
 * when none is doubtful, the most doubtful face is labelled with its distance and, if not
 * all fit, takes the last place (a stranger among many shows whatever the threshold
 * says). They go at row `row` (-1: in
 * rows of `columns`), the doubtful first (doubtful_first) or last. Returns how many
 * doubtful faces f has, or -ENOMEM. */
static int take_faces(face_list *l, const cli_faces *f, int limit, int room, int doubtful_first,
                      int row, int columns)
{
    const int n = f->n;
    int *order = cli_faces_doubt_order(f->face, n);
    int *pick = malloc((size_t)(n ? n : 1) * sizeof *pick);
    uint8_t *taken = calloc((size_t)(n ? n : 1), 1);
    int rc = order && pick && taken ? 0 : -ENOMEM, doubtful = 0, k = 0, r = 0, most = -1;
    for (int i = 0; i < n; i++) doubtful += f->face[i].doubtful;
    for (int j = 0; !rc && j < n && k < room && k < limit && f->face[order[j]].doubtful; j++)
        taken[order[j]] = 1, k++;
    for (int i = 0; !rc && i < n && k + r < limit; i++)
        if (!taken[i]) taken[i] = 2, r++;
    if (!rc && k == 0 && n > 2) /* none over the threshold: the most doubtful, labelled */
        most = order[0];
    if (most >= 0 && n > limit && limit >= 2 && taken[most] != 2)
        for (int i = n - 1; i >= 0; i--) /* the last of the best gives way */
            if (taken[i] == 2) {
                taken[i] = 0, taken[most] = 2;
                break;
            }
    /* the doubtful in their order, the rest in theirs; first or last */
    int m = 0;
    for (int pass = 0; !rc && pass < 2; pass++) {
        const int want = (pass == 0) == (doubtful_first != 0) ? 1 : 2;
        if (want == 1)
            for (int j = 0; j < n; j++) {
                if (taken[order[j]] == 1) pick[m++] = order[j];
            }
        else
            for (int i = 0; i < n; i++)
                if (taken[i] == 2) pick[m++] = i;
    }
    for (int t = 0; !rc && t < m; t++)
        rc = add_face(l, &f->face[pick[t]], row >= 0 ? row : t / columns,
                      row >= 0 ? t : t % columns, pick[t] == most);
    free(order), free(pick), free(taken);
    return rc ? rc : doubtful;
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
    s->id = p->id, s->faces = p->faces, s->doubtful = 0;
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
    else if (!id)
        snprintf(buf, cap, "in no person");
    else
        snprintf(buf, cap, "person %lld", (long long)id);
}

typedef struct {
    fc_sheet *sheet;
    int missing;
} cells;

static int fill_cell(void *ctx, const cli_cut *cut, const fc_image *img, const double square[4])
{
    cells *c = ctx;
    const sheet_face *f = cut->item;
    char label[32], err[FC_ERR_MAX];
    if (f->doubt >= 0) /* how far from the person's other faces */
        snprintf(label, sizeof label, "%lld %.3f", (long long)f->face, f->doubt);
    else
        snprintf(label, sizeof label, "%lld", (long long)f->face);
    if (!img || fc_sheet_put(c->sheet, f->row, f->col, img, square, label, err) != 0) {
        fc_sheet_put_missing(c->sheet, f->row, f->col, label);
        c->missing++;
    }
    if (f->mark) fc_sheet_mark(c->sheet, f->row, f->col);
    return 0;
}

/* Fills every face's cell, each photo read and decoded once for all of its faces
 * (cli_cut_faces). Returns how many cells show "missing" (each photo that failed named
 * on stderr), or an error that stops the sheet (out of memory). */
static int fill_cells(fc_sheet *sheet, sheet_face *faces, int count, int cell)
{
    cli_cut *cuts = malloc((size_t)(count ? count : 1) * sizeof *cuts);
    if (!cuts) return -ENOMEM;
    for (int i = 0; i < count; i++) {
        cuts[i] = (cli_cut){.path = faces[i].path, .item = &faces[i]};
        memcpy(cuts[i].box, faces[i].box, sizeof cuts[i].box);
    }
    cells c = {.sheet = sheet};
    const int rc = cli_cut_faces(&cli_cmd_sheet, cuts, count, cell, MARGIN, fill_cell, &c);
    free(cuts);
    return rc < 0 ? rc : c.missing;
}

typedef struct {
    const char *who, *out;
    int all, unsorted, json, force, columns, size, max;
} sheet_args;

static const cli_option_spec options[] = {
    {"output", 'o', "FILE.jpg", "the JPEG to write (required)"},
    {"all", 'a', NULL, "a row per person instead of one person's faces"},
    {"unsorted", 'u', NULL,
     "with --all: the faces alone in their group too, and a row of the faces in no person"},
    {"columns", 0, "N", "faces per row (1-64; default 8)"},
    {"size", 0, "PX", "a face's cell (32-512 pixels; default 112)"},
    {"max", 0, "N", "faces (or --all: people) at most (default 64)"},
    {"force", 'f', NULL, "replace FILE even if it is not a JPEG"},
    {"json", 0, NULL, "say what was written as one JSON object"},
    {0},
};

static int parse(const cli_args *args, sheet_args *a)
{
    double columns = DEFAULT_COLUMNS, size = DEFAULT_SIZE, max = DEFAULT_MAX;
    if (cli_args_number(args, "columns", 1, 64, 1, &columns) != CLI_OK ||
        cli_args_number(args, "size", 32, 512, 1, &size) != CLI_OK ||
        cli_args_number(args, "max", 1, MAX_LIMIT, 1, &max) != CLI_OK)
        return -1;
    *a = (sheet_args){.who = args->argv[0],
                      .out = cli_args_get(args, "output"),
                      .all = cli_args_has(args, "all"),
                      .unsorted = cli_args_has(args, "unsorted"),
                      .json = cli_args_has(args, "json"),
                      .force = cli_args_has(args, "force"),
                      .columns = (int)columns,
                      .size = (int)size,
                      .max = (int)max};
    if (!a->out || !*a->out) fputs("facecluster sheet: -o FILE.jpg is required\n", stderr);
    if (a->all == (a->who != NULL))
        fputs("facecluster sheet: a PERSON or --all, one of them\n", stderr);
    if (a->unsorted && !a->all) fputs("facecluster sheet: --unsorted goes with --all\n", stderr);
    if (!a->out || !*a->out || a->all == (a->who != NULL) || (a->unsorted && !a->all)) return -1;
    return 0;
}

static void free_lists(face_list *faces, person_list *people)
{
    for (int i = 0; i < faces->count; i++) free(faces->faces[i].path);
    free(faces->faces);
    for (int i = 0; i < people->count; i++) free(people->people[i].name);
    free(people->people);
}

/* The labels' fonts: $FACECLUSTER_FONTS or the built-in list (meson option label_fonts),
 * paths separated by ':'. None there: the bitmap font (NULL), with a warning, since a
 * name that is not ASCII then shows as '?'. */
static fc_typeface *open_font(void)
{
    const char *list = getenv("FACECLUSTER_FONTS");
    if (!list || !*list) list = FC_LABEL_FONTS;
    char copy[4096], note[FC_ERR_MAX], err[FC_ERR_MAX];
    snprintf(copy, sizeof copy, "%s", list);
    const char *paths[FC_TYPEFACE_MAX_FONTS];
    int count = 0;
    for (char *save = NULL, *p = strtok_r(copy, ":", &save); p && count < FC_TYPEFACE_MAX_FONTS;
         p = strtok_r(NULL, ":", &save))
        paths[count++] = p;
    fc_typeface *font = NULL;
    const int rc = fc_typeface_open(paths, count, &font, note, sizeof note, err);
    if (rc || note[0]) {
        fputs("facecluster sheet: warning: ", stderr);
        fc_text_escape(stderr, note[0] ? note : err);
        fputs(rc ? "; labels in the built-in font, where what is not ASCII shows as '?' "
                   "(apt install fonts-dejavu-core)\n"
                 : "\n",
              stderr);
    }
    return rc ? NULL : font;
}

/* A person's faces onto the list (person 0: the faces in no person): its row (--all) or
 * the grid. */
static int person_faces(const cli_library *lib, const sheet_args *a, sheet_person *p, int row,
                        face_list *faces, char *err)
{
    cli_faces f = {0};
    int rc = cli_faces_load(lib, p->id, &f, err);
    if (!rc) {
        const int room = a->all ? (a->columns + 1) / 2 : a->max; /* the best keep half a row */
        rc = take_faces(faces, &f, a->all ? a->columns : a->max, room, !a->all, a->all ? row : -1,
                        a->columns);
        if (rc == -ENOMEM) fc_errorf(err, rc, "out of memory");
        if (rc >= 0) p->doubtful = rc, p->faces = f.n, rc = 0;
    }
    cli_faces_free(&f);
    return rc;
}

/* The people to show, and their faces. */
static int gather(const cli_library *lib, const sheet_args *a, person_list *people,
                  face_list *faces, int64_t *person, int64_t *unplaced, char *err)
{
    int rc;
    if (a->all) {
        rc = fc_store_people(lib->store, a->unsorted ? 1 : UNSORTED_BELOW, 0, 0, add_person, people,
                             err);
        fc_store_people_counts c;
        if (rc >= 0 && a->unsorted) rc = fc_store_people_count(lib->store, 0, &c, err);
        if (rc >= 0 && a->unsorted && c.unplaced) { /* a row for them: every face in sight */
            people->limit++;
            const fc_store_person none = {.faces = c.unplaced};
            rc = add_person(people, &none);
            *unplaced = c.unplaced;
        }
        for (int i = 0; i < people->count && rc >= 0; i++)
            rc = person_faces(lib, a, &people->people[i], i, faces, err);
    } else {
        rc = fc_store_person_find(lib->store, a->who, person, err);
        if (!rc) { /* its name, if it has faces to show */
            people->want = *person;
            rc = fc_store_people(lib->store, 1, 0, 1, add_person, people, err);
        }
        const fc_store_person faceless = {.id = *person};
        if (!rc && !people->count) rc = add_person(people, &faceless);
        if (!rc) rc = person_faces(lib, a, &people->people[0], 0, faces, err);
    }
    if (rc == -ENOMEM) fc_errorf(err, rc, "out of memory");
    return rc < 0 ? rc : 0;
}

static int exec(const cli_globals *globals, const cli_args *args)
{
    sheet_args a;
    if (parse(args, &a) != 0) return cli_usage(&cli_cmd_sheet);
    char err[FC_ERR_MAX] = "", title[400], label[256], detail[96];
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
    cli_library lib;
    if (cli_library_open(globals, &lib)) return CLI_FAILED;
    face_list faces = {0};
    person_list people = {.limit = a.all ? a.max : 1};
    fc_sheet *sheet = NULL;
    uint8_t *jpeg = NULL;
    size_t jpeg_len = 0;
    int missing = 0, marked = 0;
    int64_t person = 0, unplaced = 0;
    fc_typeface *font = NULL;
    int rc = gather(&lib, &a, &people, &faces, &person, &unplaced, err);
    if (!rc) font = open_font();
    if (rc) goto done;
    for (int i = 0; i < faces.count; i++) marked += faces.faces[i].mark;

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
            const int w = fc_typeface_width(font, label, 2);
            widest_label = w > widest_label ? w : widest_label;
        }
        const int cap = (ROW_LABEL_GLYPHS * FC_FONT_ADVANCE - 1) * 2;
        widest_label = widest_label > cap ? cap : widest_label < 60 ? 60 : widest_label;
    }
    /* the title first: the sheet is made wide enough for it */
    const int title_scale = a.size >= 80 ? 3 : 2, gap = a.size / 14 > 4 ? a.size / 14 : 4;
    if (a.all) {
        const int shown = people.count - (unplaced > 0);
        snprintf(title, sizeof title, "%d %s, %d %s%s", shown, fc_plural(shown, "person", "people"),
                 faces.count, fc_plural(faces.count, "face", "faces"),
                 marked ? "; framed: doubtful, the distance under it" : "");
    } else {
        const sheet_person *p = &people.people[0];
        person_label(p, person, label, sizeof label);
        char shown[64] = "";
        if (p->faces > faces.count) snprintf(shown, sizeof shown, ", %d shown", faces.count);
        if (p->doubtful)
            snprintf(title, sizeof title, "%s: %lld faces, %d doubtful first (framed)%s", label,
                     (long long)p->faces, p->doubtful, shown);
        else if (p->faces > faces.count)
            snprintf(title, sizeof title, "%s: %lld faces, the best %d shown", label,
                     (long long)p->faces, faces.count);
        else
            snprintf(title, sizeof title, "%s: %lld %s", label, (long long)p->faces,
                     fc_plural(p->faces, "face", "faces"));
    }
    const int title_w = fc_typeface_width(font, title, title_scale) + 2 * gap;
    const fc_sheet_layout layout = {.columns = columns,
                                    .rows = rows,
                                    .cell = a.size,
                                    .gap = gap,
                                    .label_scale = a.size >= 160 ? 2 : 1,
                                    .title_scale = title_scale,
                                    .row_label_width = a.all ? widest_label : 0,
                                    .row_label_scale = 2,
                                    .min_width =
                                        title_w < MAX_TITLE_WIDTH ? title_w : MAX_TITLE_WIDTH,
                                    .font = font};
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
        char doubtful[32] = "";
        if (p->doubtful) snprintf(doubtful, sizeof doubtful, ", %d doubtful", p->doubtful);
        if (p->name) /* the id too, for the commands that take one */
            snprintf(detail, sizeof detail, "person %lld, %lld %s%s", (long long)p->id,
                     (long long)p->faces, fc_plural(p->faces, "face", "faces"), doubtful);
        else if (!p->id)
            snprintf(detail, sizeof detail, "%lld %s: show --unsorted", (long long)p->faces,
                     fc_plural(p->faces, "face", "faces"));
        else
            snprintf(detail, sizeof detail, "%lld %s%s", (long long)p->faces,
                     fc_plural(p->faces, "face", "faces"), doubtful);
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
    const int shown_people = a.all ? people.count - (unplaced > 0) : 1;
    if (a.json) {
        cli_json_print(json_pack("{s:o, s:i, s:i, s:i, s:i, s:i, s:I, s:i}", "path",
                                 cli_json_text(a.out), "faces", faces.count, "people", shown_people,
                                 "missing", missing, "width", img->width, "height", img->height,
                                 "unplaced", (json_int_t)unplaced, "doubtful", marked));
    } else {
        printf("wrote ");
        fc_text_escape(stdout, a.out);
        printf(": %d %s of %d %s", faces.count, fc_plural(faces.count, "face", "faces"),
               shown_people, fc_plural(shown_people, "person", "people"));
        if (unplaced) printf(" and of no person");
        if (marked) printf(", %d doubtful (framed)", marked);
        printf(", %dx%d pixels\n", img->width, img->height);
    }
done:
    if (rc) cli_failed(&cli_cmd_sheet, err);
    free(jpeg);
    fc_sheet_free(sheet);
    fc_typeface_free(font);
    free_lists(&faces, &people);
    cli_library_close(&lib);
    return rc ? CLI_FAILED : CLI_OK;
}

const cli_command cli_cmd_sheet = {
    .name = "sheet",
    .usage = "(PERSON | --all [--unsorted]) -o FILE.jpg [--force] [--columns N] [--size PX] "
             "[--max N] [--json]",
    .summary = "a contact sheet of a person's faces (or a row per person with --all) as a JPEG",
    .options = options,
    .max_args = 1,
    .exec = exec,
};
