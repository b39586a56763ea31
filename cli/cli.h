/* Shared by the facecluster CLI's command files: one file per command, each exporting a
 * cli_command table entry. Exit codes: 0 success, 1 some input failed, 2 bad usage. */
#ifndef FC_CLI_H
#define FC_CLI_H

#include "core/nets/faces.h"
#include "core/util/file.h"
#include "core/image/image.h"
#include "core/util/text.h"
#include "core/train/triplet.h"
#include "store/store.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

typedef struct {
    const char *model_path; /* --model, or NULL for the default (model.h) */
    const char *db_path;    /* --db, or NULL for FACECLUSTER_DB / the default (store.h) */
} cli_globals;

/* An option a command takes: --name (and -short_name when not 0), with a value when
 * `value` names it (for help: "N", "PATH"), else a flag. */
typedef struct {
    const char *name;
    char short_name;
    const char *value;
    const char *help;
} cli_option_spec;

#define CLI_MAX_OPTIONS 16

struct cli_command;
/* A command's arguments as parsed by its table entry (args.c). */
typedef struct {
    const struct cli_command *cmd;
    int argc;                           /* the arguments that are not options, in order */
    char **argv;                        /* argc of them, then NULL (the strings are main's) */
    const char *value[CLI_MAX_OPTIONS]; /* by the option's place in cmd->options: its value,
                                         * "" for a flag given, NULL when absent */
    int help;                           /* --help or -h was given */
} cli_args;

typedef struct cli_command {
    const char *name;
    const char *usage;              /* arguments after the command name */
    const char *summary;            /* one line for `facecluster help` */
    const cli_option_spec *options; /* ends with {0}; NULL: none */
    int min_args, max_args;         /* how many arguments; max_args -1: no bound */
    int (*exec)(const cli_globals *globals, const cli_args *args);
} cli_command;

/* Parses argv (after the command's name) by cmd's table: --db and --model may stand
 * anywhere and go to *globals; --help sets args->help. Returns CLI_OK, or CLI_USAGE after
 * naming what is wrong. The caller frees with cli_args_free. */
int cli_args_parse(const cli_command *cmd, int argc, char **argv, cli_globals *globals,
                   cli_args *args);
void cli_args_free(cli_args *args);
/* Whether option `name` (long, as declared) was given; its value (NULL: absent). */
int cli_args_has(const cli_args *args, const char *name);
const char *cli_args_get(const cli_args *args, const char *name);
/* Option name's value as a number in [low, high] (a whole one if integer) into *out, which
 * keeps its default when the option is absent. CLI_OK, or CLI_USAGE after saying why. */
int cli_args_number(const cli_args *args, const char *name, double low, double high, int integer,
                    double *out);
/* Option name's value as the index of one of choices (NULL-terminated) into *out, kept
 * when absent. CLI_OK, or CLI_USAGE after listing the choices. */
int cli_args_choice(const cli_args *args, const char *name, const char *const *choices, int *out);
/* A command's help: usage, summary, its options and the global ones. */
void cli_help(FILE *out, const cli_command *cmd);

extern const cli_command cli_cmd_check;
extern const cli_command cli_cmd_cover;
extern const cli_command cli_cmd_detect;
extern const cli_command cli_cmd_embed;
extern const cli_command cli_cmd_hide;
extern const cli_command cli_cmd_history;
extern const cli_command cli_cmd_merge;
extern const cli_command cli_cmd_model;
extern const cli_command cli_cmd_move;
extern const cli_command cli_cmd_name;
extern const cli_command cli_cmd_not;
extern const cli_command cli_cmd_page;
extern const cli_command cli_cmd_people;
extern const cli_command cli_cmd_photos;
extern const cli_command cli_cmd_reject;
extern const cli_command cli_cmd_sheet;
extern const cli_command cli_cmd_show;
extern const cli_command cli_cmd_similar;
extern const cli_command cli_cmd_status;
extern const cli_command cli_cmd_train;
extern const cli_command cli_cmd_undo;
extern const cli_command cli_cmd_unhide;
extern const cli_command cli_cmd_who;
extern const cli_command cli_cmd_xmp;

/* Prints "usage: facecluster <name> <usage>" to stderr and returns CLI_USAGE. */
int cli_usage(const cli_command *cmd);

/* Opens the model named by --model / FACECLUSTER_MODEL / the default place; on failure
 * prints why (and how to get one) and returns NULL. Caller closes with fc_model_close. */
struct fc_model *cli_open_model(const cli_globals *globals);

/* The store's path: --db, else FACECLUSTER_DB, else the default place (store.h). 0, or a
 * negative errno with err set. */
int cli_store_path(const cli_globals *globals, char *buf, size_t cap, char *err);

/* Opens the store named by --db / FACECLUSTER_DB / the default place (read-only: never
 * creates one); on failure prints why and returns NULL. Caller closes with
 * fc_store_close. */
struct fc_store *cli_open_store(const cli_globals *globals, int read_only);

/* Face ids (positive integers) from argv into out; CLI_USAGE after saying which is bad. */
int cli_parse_face_ids(const cli_command *cmd, char **argv, int count, int64_t *out);
/* Says why a command failed ("facecluster CMD: ...", escaped) and returns CLI_FAILED. */
int cli_failed(const cli_command *cmd, const char *err);
/* Says on stderr "facecluster[ CMD]: [SUBJECT: ]ERR", all of it escaped (fc_text_escape:
 * the one rule for text from outside); cmd and subject may be NULL. */
void cli_warn(const cli_command *cmd, const char *subject, const char *err);

/* What a command's output file may replace (core/util/file.h): never the store (--db,
 * FACECLUSTER_DB or the default) nor the model; an existing file only if it starts with
 * magic, or with force. Check with fc_file_output_check(path, &o.how, err) before the
 * work, write with fc_file_write_atomic(path, bytes, len, &o.how, err). */
#define CLI_OUTPUT_MODELS 4
typedef struct {
    char store[4096], model[CLI_OUTPUT_MODELS][4096];
    const char *protect[CLI_OUTPUT_MODELS + 2];
    fc_file_output how;
} cli_output;
void cli_output_init(cli_output *o, const cli_globals *globals, const void *magic, size_t magic_len,
                     int force);
/* Whether path ends in .EXT for one of extensions (NULL-terminated; case ignored). */
int cli_output_has_extension(const char *path, const char *const *extensions);

/* Files to run the whole-photo pipeline on (photos.c), for `embed` and `detect`. */
typedef struct {
    char **paths;
    int count;
    int json, embeddings, box_alignment, tiny_detector;
    int aligned; /* embed --aligned: each file is one face crop, not a photo */
} cli_photo_args;

/* The options of `detect` and `embed`, and what they say as cli_photo_args (paths:
 * args'). Returns CLI_OK, or CLI_USAGE after saying what is wrong. */
extern const cli_option_spec cli_detect_options[], cli_embed_options[];
int cli_parse_photo_args(const cli_args *args, int embeddings, cli_photo_args *out);
/* Prints a line per face found; a file that fails is named on stderr and the others go
 * on. Returns CLI_OK, or CLI_FAILED if any file failed. */
int cli_run_photos(const cli_globals *globals, const cli_photo_args *args);

/* Runs the whole-photo pipeline on each file with opts, calling fn with what it found and,
 * when the store holds the same bytes as an indexed photo, each face's id there (0: not
 * known; store_ids NULL when out of memory); a file that fails is named on stderr and the
 * others go on. Returns CLI_OK, or CLI_FAILED if the model would not open or any file
 * failed. */
typedef void (*cli_photo_fn)(void *ctx, const char *path, const fc_photo *photo,
                             const int64_t *store_ids);
int cli_each_photo(const cli_globals *globals, char **paths, int count, const fc_faces_opts *opts,
                   cli_photo_fn fn, void *ctx);

/* The library as `who` and `similar` search it: every face the clustering considers and
 * the people's names, in the space the daemon groups them in (fc_store_library_load, the
 * daemon's loader: through the learned head when the store has one that fits its faces,
 * else the raw embeddings). */
typedef struct {
    struct fc_store *store;
    struct fc_store_library *loaded; /* owned */
    int n;                           /* loaded's faces, for short: */
    int64_t *face, *person, *photo;
    float (*embedding)[FC_EMBED_DIM]; /* through the head */
    int64_t *named;                   /* ids of named people, ascending */
    char **names;                     /* their names, parallel */
    int n_named;
} cli_library;

/* Opens the store read-only and loads it (a head that does not fit is left out, saying
 * why on stderr); prints why not and returns CLI_FAILED. */
int cli_library_open(const cli_globals *globals, cli_library *lib);
void cli_library_close(cli_library *lib);
/* A face found in a photo, in the library's space: unit from its 128-byte form, through
 * the head. */
void cli_library_query(const cli_library *lib, const fc_qembed *face, float unit[FC_EMBED_DIM]);
/* `who`'s threshold in the library's space (core/cluster/placement.h's nearest-face rule) for
 * one the user gave for the raw embeddings (0: none, the default). */
float cli_library_name_threshold(const cli_library *lib, float given);
/* A person's name, or NULL when unnamed. */
const char *cli_library_name(const cli_library *lib, int64_t person);
/* The index of face id `face` among the loaded ones, or -1. */
int cli_library_index(const cli_library *lib, int64_t face);

/* JSON output is built with jansson: a string of s, bytes that are not valid UTF-8
 * replaced by U+FFFD (paths on Linux need not be UTF-8; NULL: null), an
 * array of ids; each a new reference (NULL when out of memory). */
json_t *cli_json_text(const char *s);
json_t *cli_json_ids(const int64_t *ids, int count);
/* Prints o as one line (JSON Lines) and drops the reference; -1 if it could not. */
int cli_json_print(json_t *o);
/* A capture time from the store ("2016-12-17T23:11:47", as the camera's clock said) as
 * ISO 8601 with a zone: a time without one is taken as local time here; NULL or "" give
 * null. A new reference. */
json_t *cli_json_time(const char *taken);
/* v rounded to that many decimals; a box [x, y, w, h] to 2; an id, or null for 0. New
 * references. */
json_t *cli_json_number(double v, int decimals);
json_t *cli_json_box(const float box[4]);
json_t *cli_json_id_or_null(int64_t id);
/* n floats as an array (each exactly, at cli_json_print's 9 digits). */
json_t *cli_json_floats(const float *v, int n);

/* A journal entry (fc_store_journal_entry) in words, escaped ("moved face 812 to person
 * 3"), and as JSON: {"entry", "change", "at", "action", "undone", "detail"}. */
void cli_journal_describe(FILE *out, const fc_store_journal_entry *e);
json_t *cli_journal_json(const fc_store_journal_entry *e);
/* Edits (name, merge, move, not, reject, hide, unhide, cover, undo) take --json and say
 * what they changed: with --json `what` is printed (its reference taken), else the
 * sentence. Returns CLI_OK, or CLI_FAILED if the JSON could not be written. */
extern const cli_option_spec cli_edit_options[];
int cli_edit_report(const cli_args *args, json_t *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "person 3 (Ada Lovelace)" into buf, the name escaped; with into, its "person" and "name"
 * set there too. */
void cli_person_words(fc_store *store, int64_t person, char *buf, size_t cap, json_t *into);

/* A face to cut out of its photo (cut.c). */
typedef struct {
    const char *path; /* a present file showing its photo; NULL: none */
    float box[4];     /* in the upright photo's full-size pixels */
    void *item;       /* the caller's */
} cli_cut;
/* Called for each face with its photo decoded and the face's square in it (for
 * fc_sheet_put), or img NULL when the photo could not be read (already said on stderr).
 * Returns 0 to go on. */
typedef int (*cli_cut_fn)(void *ctx, const cli_cut *face, const fc_image *img,
                          const double square[4]);
/* Cuts faces out of their photos, each photo read and decoded once for all of its faces
 * (at the smallest DCT scale that shows a face's square, its box widened by margin, in
 * cell pixels); sorts faces by path. Returns 0, fn's first non-zero return, or -ENOMEM. */
int cli_cut_faces(const cli_command *cmd, cli_cut *faces, int count, int cell, double margin,
                  cli_cut_fn fn, void *ctx);

/* Unix seconds as ISO 8601 local time with its zone ("2026-12-02T06:30:00+01:00"). */
void cli_time_string(int64_t unix_seconds, char *buf, size_t cap);

#endif
