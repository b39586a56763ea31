/* The store: every photo, file, face and user decision facecluster knows, in one SQLite
 * database. No SQL exists outside store/; callers speak in these types and core's.
 *
 * A photo is known by its content (a 128-bit XXH3 hash), a file by its path and its
 * (device, inode, size, mtime): one photo may live at several paths (album copies), and a
 * file that did not change is recognised without being read. A photo and all its faces
 * are written in one transaction: fully indexed or absent.
 *
 * Errors follow core's convention (fc_error.h): 0 or a negative errno, detail in err.
 * SQLITE_BUSY after the busy timeout comes back as -EBUSY ("the database is in use"). */
#ifndef FC_STORE_H
#define FC_STORE_H

#include "core/cluster/cluster.h"
#include "core/nets/faces.h"
#include "core/fc_error.h"
#include "core/image/xmp.h"
#include "core/train/triplet.h"

#include <stddef.h>
#include <stdint.h>

/* The schema version this code writes (PRAGMA user_version); older stores are migrated
 * forward on open, newer ones refused. */
#define FC_STORE_SCHEMA_VERSION 3 /* 2: heads, 3: face regions read from XMP */
#define FC_STORE_HASH_BYTES 16

typedef struct fc_store fc_store;

enum fc_store_open_flags {
    FC_STORE_READ_ONLY = 1, /* the CLI's reading commands: never creates, never migrates */
};

/* Opens (creating it, and its directory with mode 0700, as needed) the store at path; the
 * file is made mode 0600. WAL journal, foreign keys, a busy timeout. On success *out is
 * the caller's, closed with fc_store_close. */
int fc_store_open(const char *path, int flags, fc_store **out, char *err);
void fc_store_close(fc_store *s);

/* How long a write waits for another process's before failing with -EBUSY (default
 * FC_STORE_BUSY_TIMEOUT_MS). */
#define FC_STORE_BUSY_TIMEOUT_MS 5000
void fc_store_set_busy_timeout(fc_store *s, int ms);

/* Where the store lives when no --db is given: $FACECLUSTER_DB, else
 * $XDG_DATA_HOME/facecluster/faces.db, else ~/.local/share/facecluster/faces.db (names
 * and corrections are user data, not cache). */
int fc_store_default_path(char *buf, size_t cap, char *err);

/* --- the store's files: privacy, and the daemon's lock -------------------------------- */

/* Makes the store's folder (0700, as fc_store_open would) and, when it is the default
 * data folder ($XDG_DATA_HOME/facecluster or ~/.local/share/facecluster) and open to
 * others (made earlier by something else), makes it 0700. Returns 1 with a sentence for
 * the log in note when it changed a mode, 0 when not, or an error. */
int fc_store_make_private(const char *db_path, char *note, size_t cap, char *err);
/* How many of the store's folder and files (the database, -wal, -shm, .lock) others can
 * read; the first one described in msg with the command that fixes it. */
int fc_store_exposed(const char *db_path, char *msg, size_t cap);

/* The daemon as its lock file beside the store (db_path + ".lock", store/lock.c) tells it. */
typedef struct {
    int running;       /* a daemon holds the lock now */
    long pid;          /* the daemon holding it, or the last one; 0: unknown */
    int64_t started;   /* unix seconds; 0: unknown */
    int64_t updated;   /* its last word: a daemon killed was last seen then */
    int64_t stopped;   /* when it stopped cleanly; 0 while it runs, or if it was killed */
    int64_t unwritten; /* photos read but waiting to be written to the store */
    int64_t queued;    /* and, meanwhile, photos waiting to be read */
    char cause[160];   /* why they wait ("" if none do) */
} fc_store_daemon;

typedef struct fc_store_lock fc_store_lock;
/* Takes the one-daemon-per-store lock (flock on db_path + ".lock", made 0600 in the
 * store's existing folder); the state is written by fc_store_lock_update. -EBUSY when
 * another daemon holds it: err names its pid. On success *out is the caller's, released
 * with fc_store_lock_release. */
int fc_store_lock_take(const char *db_path, int64_t now, fc_store_lock **out, char *err);
/* Rewrites the state in place: photos waiting to be written, photos queued behind them,
 * and why (cause NULL or "": none). The first call after taking the lock allocates the
 * file's blocks (a full disk then: the lock holds, the state waits for room). Works on a full disk
 * (the file's blocks were allocated when it was taken). */
int fc_store_lock_update(fc_store_lock *l, int64_t unwritten, int64_t queued, const char *cause,
                         int64_t now, char *err);
/* Records a clean stop and releases the lock; frees l. NULL is fine. */
void fc_store_lock_release(fc_store_lock *l, int64_t now);
/* Reads the daemon's state without disturbing it: 1 with *out filled, 0 when no daemon
 * ever ran on this store (no lock file), or an error. */
int fc_store_daemon_get(const char *db_path, fc_store_daemon *out, char *err);

/* Groups writes into one transaction (BEGIN IMMEDIATE: the write lock is taken at once,
 * so a busy database fails here rather than halfway). Not nestable. */
int fc_store_begin(fc_store *s, char *err);
int fc_store_commit(fc_store *s, char *err);
void fc_store_rollback(fc_store *s);

/* --- photos and files ------------------------------------------------------------ */

enum fc_photo_status { FC_PHOTO_PENDING = 0, FC_PHOTO_INDEXED = 1, FC_PHOTO_BAD = 2 };

/* What stat(2) says of a file: equal identities mean an unchanged file. */
typedef struct {
    uint64_t device, inode;
    int64_t size, mtime_ns;
} fc_file_identity;

typedef struct {
    int64_t id, photo; /* photo 0: not hashed yet */
    fc_file_identity ident;
    int64_t missing_since; /* unix seconds; 0 while the file is there */
    int photo_status;      /* enum fc_photo_status of its photo */
} fc_store_file;

/* A photo's content hash (XXH3-128 of its bytes): what the store knows a photo by. */
void fc_store_hash(const void *data, size_t len, uint8_t hash[FC_STORE_HASH_BYTES]);
/* The faces (ids and boxes, in the upright photo's full-size pixels; rejected ones left
 * out) of the indexed photo with this hash; *count 0 when there is none. The caller frees
 * *faces and *boxes. Returns 0 or an error. */
int fc_store_photo_boxes(fc_store *s, const uint8_t hash[FC_STORE_HASH_BYTES], int64_t **faces,
                         float (**boxes)[4], int *count, char *err);

/* Looks a file up by path. Returns 1 (found, *out filled), 0 (unknown) or an error. */
int fc_store_file_get(fc_store *s, const char *path, fc_store_file *out, char *err);

/* A photo's id and status by content hash. Returns 1, 0 (unknown) or an error. */
int fc_store_photo_find(fc_store *s, const uint8_t hash[FC_STORE_HASH_BYTES], int64_t *photo,
                        int *status, char *err);

/* Records that path, with this identity, shows the photo (known by its hash): the file row
 * is made or updated and marked present; the photo is present again. For a file whose
 * content is a photo already indexed: no network needs to run. */
int fc_store_file_put(fc_store *s, const char *path, const fc_file_identity *ident, int64_t photo,
                      char *err);

/* What the pipeline found in a photo, ready to be written. */
typedef struct {
    uint8_t hash[FC_STORE_HASH_BYTES];
    int width, height;
    char taken[32]; /* ISO 8601 (fc_exif_time_string), "" when unknown */
    const fc_face *faces;
    int count;
    const char *model_version; /* fc_faces_version() */
} fc_store_indexed;

/* Writes an indexed photo, all its faces and the file showing it, in one transaction.
 * A photo indexed before (by an older model) has its faces replaced. *photo gets its id. */
int fc_store_put_indexed(fc_store *s, const char *path, const fc_file_identity *ident,
                         const fc_store_indexed *what, int64_t *photo, char *err);

/* Records that a file's content could not be indexed. retry: the failure may pass (a file
 * still being written): the photo stays pending, to be tried again backoff_s << (tries
 * before) seconds after now, unless it has now failed max_tries times, when it becomes
 * bad; otherwise it is bad at once. The reason is kept for `status --bad`. Sets *status
 * to what the photo became (a photo indexed meanwhile from another path stays indexed). */
int fc_store_put_failed(fc_store *s, const char *path, const fc_file_identity *ident,
                        const uint8_t hash[FC_STORE_HASH_BYTES], const char *reason, int retry,
                        int64_t now, int backoff_s, int max_tries, int *status, char *err);

/* A file has gone (deleted, or its disk unmounted): it and, once no present file shows
 * it, its photo are marked missing since `now` (unix seconds). Faces and decisions stay.
 * Returns 1 if the path was known, else 0. */
int fc_store_file_missing(fc_store *s, const char *path, int64_t now, char *err);

/* A file or directory renamed within the watched roots: every path equal to from, or
 * under it (from + "/..."), now starts with to. Nothing is read again. A file that was
 * at `to` (replaced by the rename) is forgotten, its photo released as by a deletion.
 * Returns how many file rows moved. */
int fc_store_file_rename(fc_store *s, const char *from, const char *to, char *err);

/* Calls fn for every known, present file whose path lies under dir (dir itself excluded),
 * in path order: what a scan compares with the disk. fn returns 0 to go on, non-zero to
 * stop (that value is returned). */
typedef int (*fc_store_file_fn)(void *ctx, const char *path, const fc_store_file *file);
int fc_store_files_under(fc_store *s, const char *dir, fc_store_file_fn fn, void *ctx, char *err);

/* Deletes what was missing longer than before (unix seconds): the files, then photos no
 * file shows, with their faces and the decisions about them. Returns photos removed. */
int fc_store_purge_missing(fc_store *s, int64_t before, char *err);

/* Pending photos whose retry time has come: one of their paths each, for fn (same
 * contract as fc_store_files_under). */
int fc_store_due_retries(fc_store *s, int64_t now, fc_store_file_fn fn, void *ctx, char *err);
/* When the next of them is due (unix seconds; it may be past): 1 with *when, 0 when no
 * photo waits for a retry. */
int fc_store_next_retry(fc_store *s, int64_t *when, char *err);

/* --- people ------------------------------------------------------------------------ */

/* A face may start a person only when its detector score reaches this (and it is not
 * small): blurred crowds in the background gather around real people instead. */
#define FC_STORE_SEED_SCORE 0.7f

/* Every face the clustering considers (faces of present photos the user did not reject),
 * in arrays parallel to each other, and the user's constraints on them by index. */
typedef struct {
    int n;
    int64_t *face;                    /* face ids */
    float (*embedding)[FC_EMBED_DIM]; /* from the 128-byte form, unit length */
    int64_t *photo;
    int64_t *fixed;    /* the person the user put or confirmed it in; 0: none */
    int64_t *person;   /* the person it is in now; 0: none */
    uint8_t *can_seed; /* not small, score at least FC_STORE_SEED_SCORE */
    fc_cluster_not *nots;
    int n_nots;
    int (*apart)[2];
    int n_apart;
    int64_t edits; /* the user's edits as of loading (a mark: equal, none since) */
} fc_store_faces;

/* Loads them (caller frees with fc_store_faces_free). */
int fc_store_faces_load(fc_store *s, fc_store_faces *out, char *err);
void fc_store_faces_free(fc_store_faces *f);

/* Writes a regroup: face i goes to person_of_group[group[i]] (a new person where that is
 * 0: its id is written back there) or to none (group -1). Only automatic assignments
 * change: what the user decided stays; faces gone since loading are passed over. A person
 * left with no face and no name is deleted. Written in transactions of 20,000 faces (so
 * that another writer never waits long; each face's assignment is valid at every moment),
 * or in the caller's. -EAGAIN when the user edited the people since f was loaded (the
 * groups may contradict the edit): the faces not written yet stay as they were; regroup
 * again. Returns the number of people now, or an error. */
int fc_store_apply_groups(fc_store *s, const fc_store_faces *f, const int *group, int n_groups,
                          int64_t *person_of_group, char *err);

/* Where the last regroup left off, for the next to start from it (cluster.h: prior): the
 * faces up to last_face were grouped by it (their person since is its, or the user's);
 * head_mark and threshold say in which space (fc_store_head_mark, the clustering's
 * threshold there); full_at when the last full regroup was (unix seconds). */
typedef struct {
    int64_t last_face, head_mark, full_at;
    double threshold;
} fc_store_regroup_mark;
/* 1 with *out, 0 when no regroup was recorded (out zeroed), or an error. */
int fc_store_regroup_mark_get(fc_store *s, fc_store_regroup_mark *out, char *err);
int fc_store_regroup_mark_put(fc_store *s, const fc_store_regroup_mark *m, char *err);

/* A photo's faces the clustering considers (not rejected), for placing new faces between
 * regroups. */
typedef struct {
    int64_t face;
    float embedding[FC_EMBED_DIM]; /* unit length */
    uint8_t can_seed;
    int64_t person; /* the person it is in; 0: none */
} fc_store_photo_face;

/* Loads them into *out, *count set, and the people each may not join into *nots (face:
 * an index into *out): those the user said it is not, and those holding a face the user
 * said is someone else. The caller frees both. */
int fc_store_photo_faces(fc_store *s, int64_t photo, fc_store_photo_face **out, int *count,
                         fc_cluster_not **nots, int *n_nots, char *err);

/* Puts faces into people in one transaction, as the clustering would (automatic
 * assignments): person[i] 0 makes a new person, whose id is written back. A face that
 * has a person meanwhile keeps it, and a person gone meanwhile (merged by the user) or
 * one the user said the face is not takes nothing: person[i] becomes what the face is in
 * now (0: none). */
int fc_store_place_faces(fc_store *s, const int64_t *face, int64_t *person, int count, char *err);

typedef struct {
    int64_t id;
    const char *name; /* NULL: unnamed */
    int64_t faces, photos;
    const char *first, *last; /* dates taken (ISO 8601), NULL when unknown */
    int hidden;
    const char *example; /* a photo path */
} fc_store_person;

/* Calls fn for each person with at least min_faces faces (below: at most max_faces; 0:
 * no bound), the largest first; hidden people only with_hidden. A named person counts as
 * many faces as it takes: named by the user (or by a file's face region), it is never a
 * stranger, however few its faces. Strings are valid during the call only. */
typedef int (*fc_store_person_fn)(void *ctx, const fc_store_person *p);
int fc_store_people(fc_store *s, int min_faces, int max_faces, int with_hidden,
                    fc_store_person_fn fn, void *ctx, char *err);

/* A person by what a user typed: an id ("12"), else a name as written, else a name in
 * any case ("ada lovelace"), else the unique start of one ("Ada", "ada l"); a person whose
 * name looks like an id is reached by its own id. *id gets it. -ENOENT (none) or
 * -ENOTUNIQ (the candidates listed in err), with a message naming what was asked. */
int fc_store_person_find(fc_store *s, const char *typed, int64_t *id, char *err);
/* The person called `name` as written, or else the one whose name equals it ignoring case
 * (never an id, never a start of a name): 0, or -ENOENT. */
int fc_store_person_by_name(fc_store *s, const char *name, int64_t *id, char *err);
/* Whether person may be called name: not empty, valid UTF-8 without control characters,
 * and no other person's name equal to it ignoring case (-EEXIST names that person). */
int fc_store_name_check(fc_store *s, int64_t person, const char *name, char *err);

typedef struct {
    int64_t face, person;
    const char *path; /* a present file showing its photo */
    float box[4], score;
    int confirmed; /* placed or confirmed by the user */
} fc_store_face_row;

/* Calls fn for each face of a person, best score first. */
typedef int (*fc_store_face_fn)(void *ctx, const fc_store_face_row *f);
int fc_store_person_faces(fc_store *s, int64_t person, fc_store_face_fn fn, void *ctx, char *err);

/* A photo of a person: one present file showing it (the first by path) and the person's
 * faces in it (ids, ascending). Valid during the call only. */
typedef struct {
    int64_t photo;
    const char *path;
    const char *taken; /* ISO 8601 as the camera said; NULL when unknown */
    const int64_t *faces;
    int n_faces;
} fc_store_person_photo;

/* Calls fn for each present photo holding a face of person (rejected faces left out),
 * once however many of the person's faces it holds: by capture time (photos without one
 * last), then path. fn returns 0 to go on, non-zero to stop (that value is returned). */
typedef int (*fc_store_photo_fn)(void *ctx, const fc_store_person_photo *p);
int fc_store_person_photos(fc_store *s, int64_t person, fc_store_photo_fn fn, void *ctx, char *err);

/* A named face and the file showing its photo, for writing names into sidecars. */
typedef struct {
    const char *path; /* a present file of the photo */
    int64_t photo, face, person;
    const char *name;
    float box[4];      /* x, y, w, h in the upright photo's pixels */
    int width, height; /* the upright photo's */
} fc_store_named_face;
/* One file's named faces (every face's path, photo, width and height are the file's). */
typedef struct {
    const char *path;
    int64_t photo;
    int width, height; /* the upright photo's */
    const fc_store_named_face *faces;
    int n; /* at least 1 */
} fc_store_named_photo;
typedef int (*fc_store_named_photo_fn)(void *ctx, const fc_store_named_photo *p);
/* Calls fn for every present file showing a photo with named faces (of a photo holding a
 * face of person, when not 0), in path order, with all the photo's named faces (rejected
 * ones and missing photos left out) by face id. What fn is given is valid during the call
 * only; fn returns 0 to go on (else that value is returned). */
int fc_store_named_photos(fc_store *s, int64_t person, fc_store_named_photo_fn fn, void *ctx,
                          char *err);
/* Brings the sidecar of the file at path to hold p's faces as XMP regions (NULL: none,
 * facecluster's earlier ones taken out), by fc_xmp_sidecar_update (core/image/xmp.h):
 * what `xmp write` and the daemon's xmp = write both do with a file. Faces wholly outside
 * the photo are left out. */
int fc_store_named_photo_update(const char *path, const fc_store_named_photo *p, int dry_run,
                                const fc_file_output *how, fc_xmp_sidecar_result *did, char *err);

/* Calls fn for each face in no person (the clustering left it out: no group with a face
 * that may seed one), best score first: person is 0. */
int fc_store_unplaced_faces(fc_store *s, fc_store_face_fn fn, void *ctx, char *err);

/* How the faces the clustering considers are spread, in one snapshot: people with faces
 * (with_hidden: hidden ones too; named or not), the unnamed of them with one face only, the
 * faces in no person, and the hidden people left out. What `people` and `status` say. */
typedef struct {
    int64_t people, alone, unplaced, hidden;
} fc_store_people_counts;
int fc_store_people_count(fc_store *s, int with_hidden, fc_store_people_counts *out, char *err);

/* Calls fn for one face (a rejected face or one of a missing photo is not found: -ENOENT,
 * with a message naming it). person 0 when it is in none. */
int fc_store_face_get(fc_store *s, int64_t face, fc_store_face_fn fn, void *ctx, char *err);

/* Names (or renames) a person, in one transaction with its journal entry. Naming says who
 * the faces are: the person's faces become confirmed, so that a regroup keeps them and
 * never merges two people named apart. -EEXIST when another person has that name. */
int fc_store_person_name(fc_store *s, int64_t person, const char *name, char *err);

/* The user's corrections, each one transaction with its journal entry (the state it
 * replaced, for undo). Faces are face ids. */

/* Joins people into the first: their faces become confirmed there, the others go. The
 * first keeps its name, or takes the only name among the others; two different names
 * are refused (-EEXIST: rename one first), one person twice too (-EINVAL). */
int fc_store_people_merge(fc_store *s, const int64_t *people, int count, char *err);
/* Puts faces in a person (confirmed); person 0: a new person. *to gets the person. */
int fc_store_faces_move(fc_store *s, const int64_t *faces, int count, int64_t person, int64_t *to,
                        char *err);
/* These faces are not that person (0: the person each is in now): they leave it and the
 * clustering never puts them back. */
int fc_store_faces_not(fc_store *s, const int64_t *faces, int count, int64_t person, char *err);
/* These are not faces: never clustered, never listed. */
int fc_store_faces_reject(fc_store *s, const int64_t *faces, int count, char *err);

/* The journal: one entry per thing an edit changed, entries of one edit sharing its change
 * number; detail is JSON (what undo restores: store/undo.c). Strings valid during the call
 * only. */
typedef struct {
    int64_t entry, change;
    int64_t at; /* unix seconds */
    const char *action, *detail;
    int undone;
} fc_store_journal_entry;
typedef int (*fc_store_journal_fn)(void *ctx, const fc_store_journal_entry *e);
/* Calls fn for the entries of the newest `limit` changes (0: all), newest change first, or
 * of one change (change > 0). fn returns 0 to go on. */
int fc_store_history(fc_store *s, int64_t change, int limit, fc_store_journal_fn fn, void *ctx,
                     char *err);
/* A person's name (caller frees; NULL when unnamed). -ENOENT when there is no such person. */
int fc_store_person_name_get(fc_store *s, int64_t person, char **name, char *err);

/* Hides a person from the people list (hidden 1) or shows it again (0). */
int fc_store_person_hide(fc_store *s, int64_t person, int hidden, char *err);
/* The face that stands for a person (one of its own). */
int fc_store_person_cover(fc_store *s, int64_t person, int64_t face, char *err);

/* Reverts the last change not undone yet (a name, merge, move, not, reject, hide or cover,
 * whole); *change gets its number (fc_store_history lists what it was). -ENOENT when there
 * is none. */
int fc_store_undo(fc_store *s, int64_t *change, char *err);

/* --- the learned head ---------------------------------------------------------------- */

/* A head trained on the user's people (core/train/triplet.h) and what it was trained on. */
typedef struct {
    int dim;
    float *weights; /* dim x FC_EMBED_DIM; fc_store_head_get's is the caller's (free) */
    int version;
    char embedding_model[64]; /* fc_faces_version() of the faces it was trained on */
    float cluster_threshold, recognize_threshold;
    int64_t faces, people, trained_at;
} fc_store_head;

/* Stores a new head: it is the one in use from now on (older ones are deleted). */
int fc_store_head_put(fc_store *s, const fc_store_head *head, char *err);
/* The head in use: 1 (*out filled, out->weights the caller's), 0 (none) or an error. */
int fc_store_head_get(fc_store *s, fc_store_head *out, char *err);
/* Back to the raw embeddings: every head deleted (people and decisions untouched).
 * Returns how many there were. */
int fc_store_head_delete(fc_store *s, char *err);

/* What a head's weights mean: core/train/triplet.h's linear map of the 128-d embedding, then
 * L2 normalisation. A head stored with another version is not used. */
#define FC_HEAD_VERSION 1

/* A number that moves whenever a head is stored or removed (put and delete bump it in
 * their own transaction): equal marks, the same head. 0 when none ever was. */
int fc_store_head_mark(fc_store *s, int64_t *mark, char *err);

/* Whether head may be used on the store's faces and, when model is not NULL, on faces
 * made by that model version (fc_faces_version()): its version is FC_HEAD_VERSION and it
 * was trained on the embeddings of the model that made every present, indexed photo. A
 * head trained on another model's embeddings would map them to nonsense. Returns 1
 * (usable), 0 (not: note says why, for the user, in cap bytes) or an error. */
int fc_store_head_check(fc_store *s, const fc_store_head *head, const char *model, char *note,
                        size_t cap, char *err);

/* The head to use: fc_store_head_get then fc_store_head_check. Returns 1 (*out filled,
 * out->weights the caller's), 0 (none: note ""; or one not to use: note says why, out
 * holds nothing) or an error. */
int fc_store_head_in_use(fc_store *s, const char *model, fc_store_head *out, char *note, size_t cap,
                         char *err);

/* The faces as the clustering and recognition see them (the daemon groups and places,
 * `who` and `similar` search): fc_store_faces_load's, through the learned head in use for
 * model (fc_store_head_in_use; NULL: whichever made the faces) when there is one. */
typedef struct fc_store_library {
    fc_store_faces faces; /* embeddings through head */
    int64_t *named;       /* per face: its person when that person has a name, else 0 */
    fc_head head;         /* w NULL: none, the raw embeddings */
    float cluster_threshold, recognize_threshold; /* the head's calibrated ones */
    char note[FC_ERR_MAX]; /* why a stored head is not used, for the user; "": none */
} fc_store_library;

/* Loads it (the caller frees with fc_store_library_free). A head that cannot be used or
 * read is left out, saying why in note: the raw embeddings still answer. Returns 0 or an
 * error (the faces would not load). */
int fc_store_library_load(fc_store *s, const char *model, fc_store_library *out, char *err);
void fc_store_library_free(fc_store_library *l);
/* The thresholds of the library's space for one given (0: none) for the raw embeddings:
 * the clustering's (FC_CLUSTER_THRESHOLD raw) and naming's (core/cluster/placement.h's
 * FC_NAME_THRESHOLD raw); with a head, its calibrated ones scaled by given over the raw
 * default. */
float fc_store_library_cluster_threshold(const fc_store_library *l, float given);
float fc_store_library_name_threshold(const fc_store_library *l, float given);

/* What `facecluster train` learns from (core/train/triplet.h's fc_train_set): the faces of named
 * people among those the clustering considers (present photos, not rejected), labelled by
 * person, and the user's "not this person" decisions about named people as known
 * negatives; a face such a decision names that is in no named person is there too, with
 * label -1. So are the faces of unnamed people (the clustering's other people; at most
 * FC_STORE_BACKGROUND_MAX, evenly sampled): the strangers of this library, drawn as
 * negatives into every batch. */
#define FC_STORE_BACKGROUND_MAX 20000
typedef struct {
    int n;
    int background;                   /* of the n, faces of unnamed people */
    int64_t *face;                    /* face ids, ascending */
    float (*embedding)[FC_EMBED_DIM]; /* unit length */
    int *label;                       /* 0..people-1: the person; -1: only a known negative */
    int people;
    int64_t *person; /* each label's person id (named people, ascending) */
    fc_known_negative *nots;
    int n_nots;
    char model[64]; /* the model version of the store's photos ("" when none is indexed) */
} fc_store_training;

/* Loads it (caller frees with fc_store_training_free). -EAGAIN when the store's photos
 * were made by more than one model version (photos being embedded again): a head must
 * learn from one model's embeddings. */
int fc_store_training_load(fc_store *s, fc_store_training *out, char *err);
void fc_store_training_free(fc_store_training *t);

/* --- what the CLI shows -------------------------------------------------------------- */

/* A named face region another program wrote (digiKam, Lightroom, Picasa... as XMP), in
 * the photo or in a sidecar beside it. */
typedef struct {
    const char *name; /* UTF-8, as the file has it */
    float box[4];     /* left, top, width, height as fractions of the upright photo */
    int ours;         /* written by facecluster (xmp write): it decides nothing, but a face
                         a region named before and ours names still is named still */
} fc_store_region;

/* What reading one file's regions did. */
typedef struct {
    int applied;      /* a face now in the person of its region's name */
    int unchanged;    /* read before, the same: left as they are (later edits win) */
    int contradicted; /* against a decision made in facecluster: kept aside for `status` */
    int unmatched;    /* no face of the photo under it (yet) */
    int removed;      /* gone from the file since: their faces back to the clustering */
} fc_store_import;

/* Takes the regions `source` (the photo's own path, or its sidecar's) holds now for photo,
 * whose faces are stored, as decisions of the user's, in one transaction: each new or
 * moved region names the face it shows best (core/nets/detect.h fc_box_region_match), in
 * the person of that name (made if none: one person per name), unless that contradicts a
 * decision made in facecluster; a region read before and unchanged is left as it is, so
 * that a later edit in facecluster wins; one no longer in the file gives its face back to
 * the clustering. Every change is journalled ("import": `history` shows it, `undo` takes it
 * back). out (may be NULL) says what happened. */
int fc_store_regions_put(fc_store *s, int64_t photo, const char *source,
                         const fc_store_region *regions, int n, fc_store_import *out, char *err);

/* Asks the daemon to read the photo the file at path shows again, with its XMP and its
 * sidecars (`xmp read --import`): the photo becomes pending, which a running daemon takes
 * within seconds and a stopped one at its next start. 1 when path is a present file of the
 * store, 0 when it is not. */
int fc_store_read_again(fc_store *s, const char *path, char *err);

/* Records a sidecar as it was when read (ident), or that there is none at path (NULL), in
 * the same transaction as the caller's if one is open: what a scan compares against. */
int fc_store_sidecar_put(fc_store *s, const char *path, const fc_file_identity *ident, char *err);
/* The sidecar at path as recorded (only size and mtime_ns): 1, 0 when none is, or an error. */
int fc_store_sidecar_get(fc_store *s, const char *path, fc_file_identity *ident, char *err);
/* Calls fn for each sidecar recorded under dir, in path order (fn's row: only ident). */
int fc_store_sidecars_under(fc_store *s, const char *dir,
                            int (*fn)(void *ctx, const char *path, const fc_file_identity *ident),
                            void *ctx, char *err);

/* A region not applied because it contradicts a decision of the user's. */
typedef struct {
    const char *source, *name;
    int64_t face;
    const char *reason;
} fc_store_conflict;
typedef int (*fc_store_conflict_fn)(void *ctx, const fc_store_conflict *c); /* non-zero stops */
int fc_store_region_conflicts(fc_store *s, fc_store_conflict_fn fn, void *ctx, char *err);

#define FC_STORE_SKIP_KINDS_MAX 16

typedef struct {
    int64_t photos, faces, pending, bad, missing, people, named;
    int64_t region_conflicts;      /* face names read from files, contradicting the user */
    fc_store_people_counts spread; /* hidden people too; people above is spread.people */
    int64_t last_activity;         /* unix seconds of the last write by the daemon; 0 if none */
    char progress[200];            /* the daemon's last progress line ("" if none) */
    int64_t progress_at;           /* when it wrote it */
    /* files the daemon's last scans passed over, by kind, in the daemon's order
     * (skipped_kinds -1: no scan recorded them yet) */
    int skipped_kinds;
    struct {
        char kind[24];
        int64_t count;
    } skipped[FC_STORE_SKIP_KINDS_MAX];
} fc_store_status;

int fc_store_status_get(fc_store *s, fc_store_status *out, char *err);

/* Calls fn for each bad file (path and reason), in path order. */
typedef int (*fc_store_bad_fn)(void *ctx, const char *path, const char *reason, int tries);
int fc_store_bad_files(fc_store *s, fc_store_bad_fn fn, void *ctx, char *err);

/* Verifies the store: SQLite's integrity and foreign-key checks, then facecluster's own
 * invariants (no face stored twice, a face on at most one person, no indexed photo
 * without its model version, no file of a pending or bad photo with faces). Calls fn
 * once per problem found; returns the number found, or an error. */
typedef void (*fc_store_problem_fn)(void *ctx, const char *problem);
int fc_store_check(fc_store *s, fc_store_problem_fn fn, void *ctx, char *err);

/* SQLite's data_version: it changes when another connection (the CLI) commits, so the
 * daemon notices a user's edits without reading anything else. */
int fc_store_data_version(fc_store *s, int64_t *version, char *err);

/* A number that grows with every edit the user makes and every undo (the journal's):
 * equal marks, no edit between. data_version moves with any other connection's write,
 * the daemon's own regroup thread's too; this tells the user's apart. */
int fc_store_edit_mark(fc_store *s, int64_t *mark, char *err);

/* Stamps now as the last activity (the daemon calls it as it writes). */
int fc_store_touch(fc_store *s, int64_t now, char *err);
/* Records what the daemon's scans skipped: n kinds (names of at most 23 bytes, no
 * space or '='), each with its count, replacing the last record. */
int fc_store_put_skipped(fc_store *s, const char *const kinds[], const long counts[], int n,
                         char *err);
/* Records the daemon's progress line (done, queued, photos/s, time left) for `status`. */
int fc_store_put_progress(fc_store *s, const char *line, int64_t now, char *err);

/* Whether a daemon ever finished indexing this store's folders (index_on_battery = first
 * lets the first index run on battery): 1 with *when (unix seconds), 0 when not yet. */
int fc_store_first_index_done(fc_store *s, int64_t *when, char *err);
/* Records that it did, now (once: a later call changes nothing). */
int fc_store_put_first_index_done(fc_store *s, int64_t now, char *err);

/* How many faces carry a model version other than current: to embed again. */
int64_t fc_store_stale_faces(fc_store *s, const char *current_model, char *err);
/* Indexed, present photos made by another model version: one path each, for fn (as in
 * fc_store_files_under). */
int fc_store_stale_photos(fc_store *s, const char *current_model, fc_store_file_fn fn, void *ctx,
                          char *err);

#endif
