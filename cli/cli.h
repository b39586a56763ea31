/* Shared by the facecluster CLI's command files: one file per command, each exporting a
 * cli_command table entry. Exit codes: 0 success, 1 some input failed, 2 bad usage. */
#ifndef FC_CLI_H
#define FC_CLI_H

#include "../core/faces.h"
#include "../core/text.h"
#include "../core/triplet.h"

#include <stdint.h>
#include <stdio.h>

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

typedef struct {
    const char *model_path; /* --model, or NULL for the default (model.h) */
    const char *db_path;    /* --db, or NULL for FACECLUSTER_DB / the default (store.h) */
} cli_globals;

typedef struct {
    const char *name;
    const char *usage;   /* arguments after the command name */
    const char *summary; /* one line for `facecluster help` */
    int (*run)(const cli_globals *globals, int argc, char **argv);
} cli_command;

extern const cli_command cli_cmd_check;
extern const cli_command cli_cmd_cover;
extern const cli_command cli_cmd_detect;
extern const cli_command cli_cmd_embed;
extern const cli_command cli_cmd_hide;
extern const cli_command cli_cmd_merge;
extern const cli_command cli_cmd_model;
extern const cli_command cli_cmd_move;
extern const cli_command cli_cmd_name;
extern const cli_command cli_cmd_not;
extern const cli_command cli_cmd_people;
extern const cli_command cli_cmd_reject;
extern const cli_command cli_cmd_sheet;
extern const cli_command cli_cmd_show;
extern const cli_command cli_cmd_similar;
extern const cli_command cli_cmd_status;
extern const cli_command cli_cmd_train;
extern const cli_command cli_cmd_undo;
extern const cli_command cli_cmd_unhide;
extern const cli_command cli_cmd_who;

/* Prints "usage: facecluster <name> <usage>" to stderr and returns CLI_USAGE. */
int cli_usage(const cli_command *cmd);

/* Opens the model named by --model / FACECLUSTER_MODEL / the default place; on failure
 * prints why (and how to get one) and returns NULL. Caller closes with fc_model_close. */
struct fc_model *cli_open_model(const cli_globals *globals);

/* Opens the store named by --db / FACECLUSTER_DB / the default place (read-only: never
 * creates one); on failure prints why and returns NULL. Caller closes with
 * fc_store_close. */
struct fc_store *cli_open_store(const cli_globals *globals, int read_only);

/* Face ids (positive integers) from argv into out; CLI_USAGE after saying which is bad. */
int cli_parse_face_ids(const cli_command *cmd, char **argv, int count, int64_t *out);
/* Options anywhere among the arguments (until --): a table ending in {NULL}; an option
 * with `value` takes the next argument there, one with `flag` sets it to 1. The other
 * arguments go to positional (room for argc), *count of them. CLI_USAGE after saying
 * which option is unknown or lacks its value. */
typedef struct {
    const char *name;
    const char **value;
    int *flag;
} cli_option;
int cli_parse_options(const cli_command *cmd, int argc, char **argv, const cli_option *options,
                      char **positional, int *count);
/* A number in [low, high] from an option's text; CLI_USAGE after saying what is wrong. */
int cli_parse_number(const cli_command *cmd, const char *what, const char *text, double low,
                     double high, double *out);

/* Says why a command failed ("facecluster CMD: ...", escaped) and returns CLI_FAILED. */
int cli_failed(const cli_command *cmd, const char *err);

/* Files to run the whole-photo pipeline on (photos.c), for `embed` and `detect`. */
typedef struct {
    char **paths;
    int count;
    int json, embeddings, box_alignment, tiny_detector;
    int aligned; /* embed --aligned: each file is one face crop, not a photo */
} cli_photo_args;

/* Reads the options `embed` and `detect` share (--json, --detector ssd|tiny; with
 * embeddings also --align chip|box and --aligned) and the file list into *args. Returns
 * CLI_OK, or CLI_USAGE after saying what is wrong. */
int cli_parse_photo_args(const cli_command *cmd, int embeddings, int argc, char **argv,
                         cli_photo_args *args);
/* Prints a line per face found; a file that fails is named on stderr and the others go
 * on. Returns CLI_OK, or CLI_FAILED if any file failed. */
int cli_run_photos(const cli_globals *globals, const cli_photo_args *args);

/* Runs the whole-photo pipeline on each file with opts, calling fn with what it found; a
 * file that fails is named on stderr and the others go on. Returns CLI_OK, or CLI_FAILED
 * if the model would not open or any file failed. */
typedef void (*cli_photo_fn)(void *ctx, const char *path, const fc_photo *photo);
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
/* `who`'s threshold in the library's space (core/placement.h's nearest-face rule) for
 * one the user gave for the raw embeddings (0: none, the default). */
float cli_library_name_threshold(const cli_library *lib, float given);
/* A person's name, or NULL when unnamed. */
const char *cli_library_name(const cli_library *lib, int64_t person);
/* The index of face id `face` among the loaded ones, or -1. */
int cli_library_index(const cli_library *lib, int64_t face);

/* Writes s as a JSON string literal: quotes, backslashes and control bytes escaped, bytes
 * that are not valid UTF-8 replaced by U+FFFD (paths on Linux need not be UTF-8). */
void cli_json_string(FILE *out, const char *s);

#endif
