/* facecluster page -o DIR: a static HTML page to review people, opened from file:// with
 * no server and no network. Every person (named first, then the largest), each with its
 * faces as thumbnails, the doubtful faces first and marked, each face's id and photo, and
 * the commands that fix the person ready to copy; the faces in no person at the end.
 *
 * DIR holds index.html, faces/FACE-KEY.jpg (a thumbnail, cut once from the original: a
 * second run cuts only new faces; KEY changes when a face's photo or box does, so a
 * reused id never shows an old face) and .facecluster-page, the mark that DIR is a page
 * this command may write over. Every file goes through fc_file_write_atomic. */
#include "cli/cli.h"
#include "cli/doubt.h"

#include "core/cluster/cluster.h"
#include "core/nets/embedding.h"
#include "core/fc_error.h"
#include "core/sheet/sheet.h"
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define THUMB 128   /* a thumbnail's side, in pixels */
#define MARGIN 0.25 /* of a face's longer side, around it (as sheets) */
#define QUALITY 85
#define MARK_FILE ".facecluster-page"
#define MARK_TEXT "facecluster page\n"
#define HTML_MAGIC "<!DOCTYPE html>\n<!-- facecluster page -->"

typedef struct {
    char file[48]; /* under faces/ */
    int shown;     /* the thumbnail exists */
} page_thumb;

typedef struct {
    int64_t id; /* 0: the faces in no person */
    char *name;
    int hidden, doubtful;
    cli_faces faces;    /* most doubtful first */
    page_thumb *thumbs; /* parallel to faces */
} page_person;

typedef struct {
    const char *dir;
    page_person *people;
    int n_people, cap_people, n_faces;
    double threshold; /* over it a face is doubtful (cli_faces_load's) */
    int cut, kept, missing, removed;
    cli_output output;
} page_run;

static const cli_option_spec options[] = {
    {"output", 'o', "DIR", "the folder to write the page in (made if needed)"},
    {"force", 'f', NULL, "write into a folder that holds other things"},
    {"json", 0, NULL, "say what was written as one JSON object"},
    {0},
};

/* --- the data -------------------------------------------------------------------- */

static int take_person(void *ctx, const fc_store_person *p)
{
    page_run *run = ctx;
    if (run->n_people == run->cap_people) {
        run->cap_people = run->cap_people ? 2 * run->cap_people : 64;
        page_person *grown = realloc(run->people, (size_t)run->cap_people * sizeof *grown);
        if (!grown) return -ENOMEM;
        run->people = grown;
    }
    page_person *q = &run->people[run->n_people];
    *q = (page_person){.id = p->id, .hidden = p->hidden};
    q->name = p->name ? strdup(p->name) : NULL;
    if (p->name && !q->name) return -ENOMEM;
    run->n_people++;
    return 0;
}

/* Named people first, then the largest; hidden ones last; the faces in no person end. */
static int person_order(const void *a, const void *b)
{
    const page_person *x = a, *y = b;
    if ((x->id == 0) != (y->id == 0)) return (x->id == 0) - (y->id == 0);
    if (x->hidden != y->hidden) return x->hidden - y->hidden;
    if ((x->name != NULL) != (y->name != NULL)) return (y->name != NULL) - (x->name != NULL);
    if (x->faces.n != y->faces.n) return y->faces.n - x->faces.n;
    return (x->id > y->id) - (x->id < y->id);
}

/* --- thumbnails ---------------------------------------------------------------------- */

static uint32_t thumb_key(const fc_store_face_row *f)
{
    /* FNV-1a over what decides the picture: the file and the box */
    uint32_t h = 2166136261u;
    const char *p = f->path ? f->path : "";
    for (; *p; p++) h = (h ^ (uint8_t)*p) * 16777619u;
    for (int i = 0; i < 4; i++) {
        const int32_t v = (int32_t)(f->box[i] * 4);
        for (int b = 0; b < 4; b++) h = (h ^ (uint8_t)(v >> (8 * b))) * 16777619u;
    }
    return h;
}

static int cut_one(void *ctx, const cli_cut *cut, const fc_image *img, const double square[4])
{
    page_run *run = ctx;
    page_thumb *t = cut->item;
    char err[FC_ERR_MAX], path[PATH_MAX];
    if (!img) {
        run->missing++;
        return 0;
    }
    const fc_sheet_layout layout = {.columns = 1, .rows = 1, .cell = THUMB};
    fc_sheet *sheet = NULL;
    uint8_t *jpeg = NULL;
    size_t len = 0;
    int rc = fc_sheet_new(&layout, &sheet, err);
    if (!rc) rc = fc_sheet_put(sheet, 0, 0, img, square, NULL, err);
    if (!rc) rc = fc_image_encode_jpeg(fc_sheet_image(sheet), QUALITY, &jpeg, &len, err);
    snprintf(path, sizeof path, "%s/faces/%s", run->dir, t->file);
    if (!rc) rc = fc_file_write_atomic(path, jpeg, len, &run->output.how, err);
    free(jpeg);
    fc_sheet_free(sheet);
    if (rc == -ENOMEM) return rc;
    if (rc) {
        cli_warn(&cli_cmd_page, path, err);
        run->missing++;
        return 0;
    }
    t->shown = 1;
    run->cut++;
    return 0;
}

/* Cuts the thumbnails not cut before. */
static int make_thumbnails(page_run *run)
{
    cli_cut *todo = malloc((size_t)(run->n_faces ? run->n_faces : 1) * sizeof *todo);
    if (!todo) return -ENOMEM;
    int n = 0;
    for (int p = 0; p < run->n_people; p++)
        for (int i = 0; i < run->people[p].faces.n; i++) {
            const fc_store_face_row *f = &run->people[p].faces.face[i].row;
            page_thumb *t = &run->people[p].thumbs[i];
            char path[PATH_MAX];
            snprintf(t->file, sizeof t->file, "%lld-%08x.jpg", (long long)f->face, thumb_key(f));
            snprintf(path, sizeof path, "%s/faces/%s", run->dir, t->file);
            struct stat st;
            if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
                t->shown = 1;
                run->kept++;
                continue;
            }
            todo[n] = (cli_cut){.path = f->path, .item = t};
            memcpy(todo[n++].box, f->box, sizeof f->box);
        }
    const int rc = cli_cut_faces(&cli_cmd_page, todo, n, THUMB, MARGIN, cut_one, run);
    free(todo);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Thumbnails of faces gone from the library (or cut from an older box) are removed. */
static void remove_stale(page_run *run)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/faces", run->dir);
    DIR *d = opendir(path);
    if (!d) return;
    char **names = malloc((size_t)(run->n_faces ? run->n_faces : 1) * sizeof *names);
    int n = 0;
    for (int p = 0; names && p < run->n_people; p++)
        for (int i = 0; i < run->people[p].faces.n; i++) names[n++] = run->people[p].thumbs[i].file;
    if (names && n > 1) qsort(names, (size_t)n, sizeof *names, by_name);
    struct dirent *e;
    while (names && (e = readdir(d))) {
        long long id;
        unsigned key;
        char tail[8];
        /* only what this command writes: ID-KEY.jpg */
        if (sscanf(e->d_name, "%lld-%8x%7s", &id, &key, tail) != 3 || strcmp(tail, ".jpg") != 0)
            continue;
        const char *name = e->d_name;
        if (bsearch(&name, names, (size_t)n, sizeof *names, by_name)) continue;
        snprintf(path, sizeof path, "%s/faces/%s", run->dir, e->d_name);
        if (unlink(path) == 0) run->removed++;
    }
    free(names);
    closedir(d);
}

/* --- the page -------------------------------------------------------------------------- */

/* s as HTML text: markup characters as entities, what is not UTF-8 (or a control
 * character) as U+FFFD. */
static void html(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    while (*s) {
        const size_t n = fc_utf8_sequence(s);
        if (n == 0 || *s < 0x20 || *s == 0x7F) {
            fputs("\xEF\xBF\xBD", out);
            s++;
            continue;
        }
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fwrite(s, 1, n, out);
        }
        s += n;
    }
}

/* A path as a file:// URL: every byte but the unreserved ones and '/' percent-encoded. */
static void file_url(FILE *out, const char *path)
{
    fputs("file://", out);
    for (const unsigned char *s = (const unsigned char *)path; *s; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
            strchr("/-._~", *s))
            fputc(*s, out);
        else
            fprintf(out, "%%%02X", *s);
}

static const char style[] =
    "body{font:15px/1.4 system-ui,sans-serif;margin:0 2em 3em;background:#fafafa;color:#222}"
    "header{margin:1.5em 0}nav a{margin-right:.8em;white-space:nowrap}"
    "section{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.5em 1em 1em;"
    "margin:1em 0}h2{margin:.4em 0;font-size:1.2em}h2 .id,h2 .count{font-weight:normal;"
    "color:#666;font-size:.8em;margin-left:.6em}.faces{display:flex;flex-wrap:wrap;gap:8px}"
    "figure{margin:0;width:128px;font-size:12px;text-align:center}figure img{display:block;"
    "width:128px;height:128px;border-radius:4px;background:#ccc}figure.doubt img{outline:4px "
    "solid #d33;outline-offset:-4px}figure .mark{color:#d33;font-weight:bold}figure.broken "
    "img{opacity:.3}figcaption{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}"
    "pre{background:#f3f3f3;padding:.5em;border-radius:4px;white-space:pre-wrap}"
    "details{margin:.3em 0 .6em}";

/* After the page has loaded: how many thumbnails show, and which do not. */
static const char script[] =
    "addEventListener('load',()=>{let ok=0,bad=0;for(const i of document.images){"
    "if(i.complete&&i.naturalWidth>0)ok++;else{bad++;i.closest('figure').classList.add("
    "'broken')}}document.body.dataset.imagesLoaded=ok;document.body.dataset.imagesBroken=bad})";

/* A face; person, when not 0, is named under it (in the section of people alone). */
static void write_face(FILE *out, const cli_face *face, const page_thumb *t, int64_t person)
{
    const fc_store_face_row *f = &face->row;
    fprintf(out, "<figure class=\"face%s\" data-face=\"%lld\"%s", face->doubtful ? " doubt" : "",
            (long long)f->face, face->doubtful ? " data-doubtful=\"1\"" : "");
    if (person) fprintf(out, " data-person=\"%lld\"", (long long)person);
    fputc('>', out);
    if (t->shown)
        fprintf(out, "<img src=\"faces/%s\" alt=\"face %lld\" width=\"%d\" height=\"%d\">", t->file,
                (long long)f->face, THUMB, THUMB);
    else
        fprintf(out,
                "<img alt=\"face %lld: its photo could not be read\" width=\"%d\" "
                "height=\"%d\">",
                (long long)f->face, THUMB, THUMB);
    fprintf(out, "<figcaption><b>%lld</b>%s", (long long)f->face, f->confirmed ? " ✓" : "");
    if (person) fprintf(out, " · person %lld", (long long)person);
    if (face->doubtful) fprintf(out, "<br><span class=\"mark\">doubtful %.3f</span>", face->doubt);
    fputs("<br>", out);
    if (f->path) {
        const char *slash = strrchr(f->path, '/');
        fputs("<a href=\"", out);
        file_url(out, f->path);
        fputs("\" title=\"", out);
        html(out, f->path);
        fputs("\">", out);
        html(out, slash ? slash + 1 : f->path);
        fputs("</a>", out);
    } else {
        fputs("(photo missing)", out);
    }
    fputs("</figcaption></figure>\n", out);
}

static void write_person(FILE *out, const page_person *p)
{
    const cli_face *faces = p->faces.face;
    const int count = p->faces.n;
    if (p->id)
        fprintf(out,
                "<section class=\"person\" id=\"person-%lld\" data-person=\"%lld\" "
                "data-faces=\"%d\">\n<h2>",
                (long long)p->id, (long long)p->id, count);
    else
        fprintf(out,
                "<section class=\"person unsorted\" id=\"unsorted\" data-person=\"none\" "
                "data-faces=\"%d\">\n<h2>",
                count);
    if (p->name)
        html(out, p->name);
    else
        fputs(p->id ? "(unnamed)" : "Faces in no person", out);
    if (p->id) fprintf(out, "<span class=\"id\">person %lld</span>", (long long)p->id);
    fprintf(out, "<span class=\"count\">%d %s", count, fc_plural(count, "face", "faces"));
    if (p->doubtful) fprintf(out, ", %d doubtful", p->doubtful);
    if (p->hidden) fputs(", hidden", out);
    fputs("</span></h2>\n<details><summary>commands to fix it</summary><pre>", out);
    if (p->id) {
        const long long id = (long long)p->id;
        if (!p->name)
            fprintf(out, "facecluster name %lld 'NAME'          # name this person\n", id);
        for (int i = 0; i < count && faces[i].doubtful; i++)
            fprintf(out, "facecluster not %lld %lld              # face %lld is not this person\n",
                    (long long)faces[i].row.face, id, (long long)faces[i].row.face);
        fprintf(out, "facecluster not FACE... %lld           # these faces are not this person\n",
                id);
        fprintf(out, "facecluster move FACE... %lld          # these faces are this person\n", id);
        fprintf(out, "facecluster move FACE... --new        # these faces are someone else\n");
        fprintf(out, "facecluster merge %lld PERSON...       # these people are this one\n", id);
    } else {
        fprintf(out, "facecluster move FACE... PERSON       # these faces are that person\n"
                     "facecluster move FACE... --new        # these faces are a new person\n"
                     "facecluster reject FACE...            # these are not faces\n");
    }
    fputs("</pre></details>\n<div class=\"faces\">\n", out);
    for (int i = 0; i < count; i++) write_face(out, &faces[i], &p->thumbs[i], 0);
    fputs("</div>\n</section>\n", out);
}

/* An unnamed person of one face (a stranger, mostly): shown with the others alike in one
 * section, as `people --unsorted` lists them, so that they do not bury the people. */
static int alone(const page_person *p)
{
    return p->id && !p->name && !p->hidden && p->faces.n == 1;
}

static void write_alone(FILE *out, const page_run *run, int n_alone)
{
    fprintf(out,
            "<section class=\"person alone\" id=\"alone\" data-faces=\"%d\">\n<h2>People "
            "with one face<span class=\"count\">%d</span></h2>\n<details><summary>commands to "
            "fix them</summary><pre>facecluster name PERSON 'NAME'         # name one\n"
            "facecluster move FACE... PERSON       # these faces are that person\n"
            "facecluster merge PERSON PERSON...    # these people are one\n"
            "facecluster reject FACE...            # these are not faces\n</pre></details>\n"
            "<div class=\"faces\">\n",
            n_alone, n_alone);
    for (int i = 0; i < run->n_people; i++)
        if (alone(&run->people[i]))
            write_face(out, &run->people[i].faces.face[0], &run->people[i].thumbs[0],
                       run->people[i].id);
    fputs("</div>\n</section>\n", out);
}

static int write_html(page_run *run, char *err)
{
    char *buf = NULL, when[40], path[PATH_MAX];
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out) return fc_errorf(err, -ENOMEM, "out of memory");
    int people = 0, doubt = 0;
    for (int i = 0; i < run->n_people; i++) {
        people += run->people[i].id != 0;
        doubt += run->people[i].doubtful;
    }
    cli_time_string((int64_t)time(NULL), when, sizeof when);
    fprintf(out,
            "%s\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width\">\n"
            "<title>facecluster: %d %s</title>\n<style>%s</style>\n</head>\n<body>\n"
            "<header><h1>%d %s, %d %s</h1>\n<p>Written by <code>facecluster page</code> "
            "at %s from the store ",
            HTML_MAGIC, people, fc_plural(people, "person", "people"), style, people,
            fc_plural(people, "person", "people"), run->n_faces,
            fc_plural(run->n_faces, "face", "faces"), when);
    html(out, run->output.store);
    fprintf(out,
            ". %d %s marked <span style=\"color:#d33\">doubtful</span>: %s least "
            "like the rest of %s person, by the clustering's own rule (a mean distance "
            "to its other faces over %.3f). Check them first; each person's commands "
            "fix what is wrong. Run the command again after editing: only new faces "
            "are cut.</p>\n<nav>",
            doubt, fc_plural(doubt, "face is", "faces are"), doubt == 1 ? "it looks" : "they look",
            doubt == 1 ? "its" : "their", run->threshold);
    int n_alone = 0;
    for (int i = 0; i < run->n_people; i++) n_alone += alone(&run->people[i]);
    for (int i = 0; i < run->n_people; i++) {
        const page_person *p = &run->people[i];
        if (alone(p) || !p->id) continue;
        fprintf(out, "<a href=\"#person-%lld\">", (long long)p->id);
        if (p->name)
            html(out, p->name);
        else
            fprintf(out, "person %lld", (long long)p->id);
        fputs("</a> ", out);
    }
    if (n_alone)
        fprintf(out, "<a href=\"#alone\">%d %s with one face</a> ", n_alone,
                fc_plural(n_alone, "person", "people"));
    for (int i = 0; i < run->n_people; i++)
        if (!run->people[i].id) fputs("<a href=\"#unsorted\">faces in no person</a>", out);
    fputs("</nav></header>\n", out);
    /* the people, then those alone, then the faces in no person (the last "person") */
    for (int i = 0; i < run->n_people; i++)
        if (run->people[i].id && !alone(&run->people[i])) write_person(out, &run->people[i]);
    if (n_alone) write_alone(out, run, n_alone);
    for (int i = 0; i < run->n_people; i++)
        if (!run->people[i].id) write_person(out, &run->people[i]);
    fprintf(out, "<script>%s</script>\n</body></html>\n", script);
    if (fclose(out) != 0) {
        free(buf);
        return fc_errorf(err, -ENOMEM, "out of memory");
    }
    snprintf(path, sizeof path, "%s/index.html", run->dir);
    fc_file_output how = run->output.how;
    how.magic = HTML_MAGIC, how.magic_len = strlen(HTML_MAGIC);
    const int rc = fc_file_write_atomic(path, buf, len, &how, err);
    free(buf);
    return rc;
}

/* --- the folder ----------------------------------------------------------------------- */

/* DIR made, or found to be a page of ours (or empty, or --force); and DIR/faces. */
static int prepare_dir(page_run *run, int force, char *err)
{
    struct stat st;
    char path[PATH_MAX];
    if (lstat(run->dir, &st) != 0) {
        if (errno != ENOENT || mkdir(run->dir, 0755) != 0)
            return fc_errorf(err, -errno, "cannot make %.200s: %s", run->dir, strerror(errno));
    } else if (S_ISLNK(st.st_mode)) {
        return fc_errorf(err, -EPERM, "refusing to write in %.200s: it is a symbolic link",
                         run->dir);
    } else if (!S_ISDIR(st.st_mode)) {
        return fc_errorf(err, -ENOTDIR, "refusing to write %.200s: it is not a folder", run->dir);
    } else if (!force) {
        snprintf(path, sizeof path, "%s/%s", run->dir, MARK_FILE);
        DIR *d = opendir(run->dir);
        int others = 0;
        struct dirent *e;
        while (d && (e = readdir(d)))
            others += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
        if (d) closedir(d);
        if (others && access(path, F_OK) != 0)
            return fc_errorf(err, -EEXIST,
                             "refusing to write in %.200s: it holds other things, not a page "
                             "(--force writes there anyway)",
                             run->dir);
    }
    snprintf(path, sizeof path, "%s/faces", run->dir);
    if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode))
        return fc_errorf(err, -ENOTDIR, "refusing to write in %.200s: not a folder", path);
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return fc_errorf(err, -errno, "cannot make %.200s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/%s", run->dir, MARK_FILE);
    fc_file_output how = run->output.how;
    how.magic = MARK_TEXT, how.magic_len = strlen(MARK_TEXT);
    return fc_file_write_atomic(path, MARK_TEXT, strlen(MARK_TEXT), &how, err);
}

/* Every person with faces to show (and the faces in no person, as a last "person" 0),
 * each with its faces, most doubtful first, in page order. */
static int load(page_run *run, const cli_library *lib, char *err)
{
    int rc = fc_store_people(lib->store, 1, 0, 1, take_person, run, err);
    if (!rc) rc = take_person(run, &(fc_store_person){0});
    if (rc == -ENOMEM) return fc_errorf(err, rc, "out of memory");
    int kept = 0;
    for (int i = 0; i < run->n_people && !rc; i++) {
        page_person *p = &run->people[i];
        rc = cli_faces_load(lib, p->id, &p->faces, err);
        p->thumbs = rc ? NULL : calloc((size_t)(p->faces.n ? p->faces.n : 1), sizeof *p->thumbs);
        if (!rc && !p->thumbs) rc = fc_errorf(err, -ENOMEM, "out of memory");
        if (rc || !p->faces.n) { /* none to show (their photos missing, or rejected) */
            cli_faces_free(&p->faces), free(p->thumbs), free(p->name);
            continue;
        }
        cli_faces_by_doubt(p->faces.face, p->faces.n);
        run->threshold = p->faces.threshold;
        for (int k = 0; k < p->faces.n; k++) p->doubtful += p->faces.face[k].doubtful;
        run->n_faces += p->faces.n;
        run->people[kept++] = *p;
    }
    for (int i = kept; i < run->n_people && rc; i++) free(run->people[i].name);
    run->n_people = kept;
    if (run->n_people > 1)
        qsort(run->people, (size_t)run->n_people, sizeof *run->people, person_order);
    return rc;
}

static void run_free(page_run *run)
{
    for (int i = 0; i < run->n_people; i++) {
        cli_faces_free(&run->people[i].faces);
        free(run->people[i].thumbs);
        free(run->people[i].name);
    }
    free(run->people);
}

static int exec(const cli_globals *globals, const cli_args *args)
{
    page_run run = {.dir = cli_args_get(args, "output")};
    char err[FC_ERR_MAX];
    if (!run.dir || !*run.dir) {
        fputs("facecluster page: -o DIR is required\n", stderr);
        return cli_usage(&cli_cmd_page);
    }
    cli_output_init(&run.output, globals, NULL, 0, 0);
    cli_library lib;
    if (cli_library_open(globals, &lib) != CLI_OK) return CLI_FAILED;
    int rc = prepare_dir(&run, cli_args_has(args, "force"), err);
    if (!rc) rc = load(&run, &lib, err);
    if (!rc && (rc = make_thumbnails(&run)) != 0) fc_errorf(err, rc, "out of memory");
    if (!rc) rc = write_html(&run, err);
    if (!rc) remove_stale(&run);
    cli_library_close(&lib);
    int people = 0;
    for (int i = 0; i < run.n_people; i++) people += run.people[i].id != 0;
    const int faces = run.n_faces, cut = run.cut, kept = run.kept, missing = run.missing,
              removed = run.removed;
    run_free(&run);
    if (rc) return cli_failed(&cli_cmd_page, err);
    char index[PATH_MAX];
    snprintf(index, sizeof index, "%s/index.html", run.dir);
    if (cli_args_has(args, "json"))
        return cli_json_print(json_pack("{s:o, s:i, s:i, s:i, s:i, s:i, s:i}", "path",
                                        cli_json_text(index), "people", people, "faces", faces,
                                        "cut", cut, "kept", kept, "missing", missing, "removed",
                                        removed)) == 0
                   ? CLI_OK
                   : CLI_FAILED;
    printf("wrote ");
    fc_text_escape(stdout, index);
    printf(": %d %s, %d %s (%d %s cut, %d kept from before", people,
           fc_plural(people, "person", "people"), faces, fc_plural(faces, "face", "faces"), cut,
           fc_plural(cut, "thumbnail", "thumbnails"), kept);
    if (missing) printf(", %d whose photo could not be read", missing);
    if (removed) printf(", %d old ones removed", removed);
    puts(")");
    return CLI_OK;
}

const cli_command cli_cmd_page = {
    .name = "page",
    .usage = "-o DIR [--force] [--json]",
    .summary = "a web page to review people (open DIR/index.html): every person's faces, "
               "the doubtful ones first, and the commands that fix them",
    .options = options,
    .exec = exec,
};
