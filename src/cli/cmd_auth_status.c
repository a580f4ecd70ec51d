/*
 * x12kit auth track: records 278 requests and responses in the
 * tracking database and says what each response answered.
 * x12kit auth status: lists the tracked requests and where each stands,
 * as text or JSON.
 *
 * Both use the tracker (include/x12kit/tracker.h).  The database is
 * --db FILE, else $X12KIT_AUTH_DB, else $XDG_STATE_HOME/x12kit/auth.db,
 * else ~/.local/state/x12kit/auth.db; track creates the directories of
 * the default place with mode 0700.  Nothing printed comes from patient
 * data: the tracker stores none.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "json.h"

#define MAX_278_BYTES (64u * 1024u * 1024u)
#define DB_PATH_MAX 4096

static const char track_usage[] =
  "Usage: " CLI_NAME " auth track [--db FILE] [--schemas DIR] FILE...";

static const char track_help[] =
  "Record 278 prior-authorization requests and responses in the tracking\n"
  "database, and say for each response which request it answers and what\n"
  "it decided.  A response is matched to its request by reference (BHT03),\n"
  "then by trace number (TRN), then by certification number (HCR02).  A\n"
  "response that matches no tracked request is kept all the same and is\n"
  "matched when its request is tracked.  A file recorded twice is\n"
  "recognised and not counted again.  Each file is checked against the\n"
  "278 implementation guide first; a file with any finding is not\n"
  "recorded ('" CLI_NAME " validate FILE' lists them).\n"
  "\n"
  "The database keeps references, trace and certification numbers, the\n"
  "payer ID, the requester NPI, procedure codes, units, dates and\n"
  "decisions; never patient names, member IDs or dates of birth.  It is\n"
  "created with mode 0600 and refused when group or others may read it.\n"
  "\n"
  "Options:\n"
  "  -h, --help         show this help and exit\n"
  "      --db FILE      the tracking database (default: $X12KIT_AUTH_DB, else\n"
  "                     $XDG_STATE_HOME/x12kit/auth.db, else\n"
  "                     ~/.local/state/x12kit/auth.db)\n"
  "      --schemas DIR  read the maps from DIR (default: $X12KIT_SCHEMA_DIR,\n"
  "                     or the installed maps)\n"
  "\n"
  "Exit status (the highest of all files):\n"
  "  0  every file was recorded (or was already)\n"
  "  1  a file is not a valid 278 request or response; it was not recorded\n"
  "  2  usage error\n"
  "  3  cannot read a file, or the database cannot be opened or written\n"
  "  4  internal error (out of memory, maps cannot be loaded)\n";

static const char status_usage[] =
  "Usage: " CLI_NAME " auth status [--db FILE] [--reference REF] [--state STATE]\n"
  "         [--history] [--json]";

static const char status_help[] =
  "List the tracked prior-authorization requests and where each stands:\n"
  "its state from the latest response, the certification number, the\n"
  "approved dates and units, when it was last updated and how many\n"
  "responses came; then the responses that match no tracked request.\n"
  "\n"
  "States: submitted (no answer yet), pended, certified,\n"
  "partially-certified, modified, not-certified, cancelled, contact-payer,\n"
  "rejected (AAA), no-action, no-decision.\n"
  "\n"
  "Options:\n"
  "  -h, --help             show this help and exit\n"
  "      --db FILE          the tracking database (default: as for auth track)\n"
  "      --reference REF    only the request with this reference (BHT03)\n"
  "      --state STATE      only requests in this state (unmatched responses are\n"
  "                         then not listed)\n"
  "      --history          also list every response of each request, oldest\n"
  "                         first (JSON always has it)\n"
  "      --json             write JSON instead of text\n"
  "      --window DAYS      days a payer allows for an appeal (default: the window\n"
  "                         file's entry for the payer, else 180)\n"
  "      --window-file FILE lines PAYER_ID = DAYS and default = DAYS (default:\n"
  "                         $X12KIT_APPEAL_WINDOWS when set)\n"
  "      --today YYYY-MM-DD count days left from this date (default today, UTC)\n"
  "\n"
  "A follow-up (appeal, revision, extension, cancellation: see " CLI_NAME " auth\n"
  "appeal --help) is linked to the request whose decision it cites, and\n"
  "each request of such a chain shows it: request, decision, appeal,\n"
  "decision.  A request denied or cut back and not appealed yet shows its\n"
  "appeal deadline (decision date plus the window), marked when due within\n"
  "14 days or overdue.\n"
  "\n"
  "Exit status:\n"
  "  0  the list was written (it may be empty)\n"
  "  2  usage error\n"
  "  3  the database cannot be opened or read, or the output cannot be written\n"
  "  4  internal error (out of memory)\n";

enum { OPT_DB = 256, OPT_SCHEMAS, OPT_REFERENCE, OPT_STATE, OPT_JSON, OPT_HISTORY, OPT_WINDOW,
       OPT_WINDOW_FILE, OPT_TODAY };

/* A deadline this close (days) is "coming due". */
#define DUE_SOON_DAYS 14
#define MAX_WINDOW_FILE (1024u * 1024u)

typedef struct opts {
  const char *db;
  const char *schemas;
  const char *reference;
  int state;
  int json;
  int history;
  long window;                 /* --window DAYS, 0 when not given */
  const char *window_file;     /* --window-file, else $X12KIT_APPEAL_WINDOWS */
  const char *today;           /* --today YYYY-MM-DD (tests), else today in UTC */
} opts;

/* Returns -1 to go on, or an exit status. */
static int read_options(int argc, char **argv, int track, opts *o)
{
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "db", required_argument, NULL, OPT_DB },
    { "schemas", required_argument, NULL, OPT_SCHEMAS },
    { "reference", required_argument, NULL, OPT_REFERENCE },
    { "state", required_argument, NULL, OPT_STATE },
    { "json", no_argument, NULL, OPT_JSON },
    { "history", no_argument, NULL, OPT_HISTORY },
    { "window", required_argument, NULL, OPT_WINDOW },
    { "window-file", required_argument, NULL, OPT_WINDOW_FILE },
    { "today", required_argument, NULL, OPT_TODAY },
    { NULL, 0, NULL, 0 }
  };
  const char *usage = track ? track_usage : status_usage;
  int c;

  memset(o, 0, sizeof *o);
  optind = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
    if (track && c >= OPT_REFERENCE)
      return cli_usage_error(usage, "unknown option for auth track");
    if (!track && c == OPT_SCHEMAS)
      return cli_usage_error(usage, "unknown option for auth status");
    switch (c) {
    case 'h':
      printf("%s\n\n%s", usage, track ? track_help : status_help);
      return CLI_OK;
    case OPT_DB:
      if (!*optarg)
        return cli_usage_error(usage, "--db takes a file name");
      o->db = optarg;
      break;
    case OPT_SCHEMAS:
      o->schemas = optarg;
      break;
    case OPT_REFERENCE:
      if (!*optarg || strlen(optarg) > 50)
        return cli_usage_error(usage, "--reference takes a BHT03 reference of 1 to 50 characters");
      o->reference = optarg;
      break;
    case OPT_STATE:
      o->state = x12kit_auth_state_from_name(optarg);
      if (!o->state)
        return cli_usage_error(usage, "--state takes submitted, pended, certified, "
                                      "partially-certified, modified, not-certified, cancelled, "
                                      "contact-payer, rejected, no-action or no-decision");
      break;
    case OPT_JSON:
      o->json = 1;
      break;
    case OPT_HISTORY:
      o->history = 1;
      break;
    case OPT_WINDOW: {
      char *end;
      o->window = strtol(optarg, &end, 10);
      if (*optarg < '0' || *optarg > '9' || *end || o->window < 1 ||
          o->window > X12KIT_APPEAL_WINDOW_MAX)
        return cli_usage_error(usage, "--window takes a number of days from 1 to 3650");
      break;
    }
    case OPT_WINDOW_FILE:
      o->window_file = optarg;
      break;
    case OPT_TODAY: {
      char check[11];
      if (x12kit_date_add_days(optarg, 0, check) != X12KIT_OK)
        return cli_usage_error(usage, "--today takes a date, YYYY-MM-DD");
      o->today = optarg;
      break;
    }
    default:
      return cli_usage_error(usage, optopt ? "unknown or incomplete option" : "unknown option");
    }
  }
  if (track && optind >= argc)
    return cli_usage_error(usage, "no input file (use - for standard input)");
  if (!track && optind < argc)
    return cli_usage_error(usage, "auth status takes no file");
  return -1;
}

/* ---- the database path ---- */

/* Creates |dir| and its missing parents with mode 0700. */
static int make_dirs(char *dir)
{
  char *p;

  for (p = dir + 1; ; p++) {
    if (*p == '/' || *p == '\0') {
      char c = *p;
      *p = '\0';
      if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: cannot create the directory %s: %s\n", CLI_NAME, dir,
                strerror(errno));
        *p = c;
        return CLI_IO;
      }
      *p = c;
      if (c == '\0')
        break;
    }
  }
  return CLI_OK;
}

/*
 * The database path: --db, $X12KIT_AUTH_DB, $XDG_STATE_HOME/x12kit/auth.db
 * or ~/.local/state/x12kit/auth.db.  With |create_dirs|, the directory of
 * a default path is created.
 */
static int db_path(const opts *o, int create_dirs, char *buf, size_t size)
{
  const char *env = getenv("X12KIT_AUTH_DB");
  const char *xdg = getenv("XDG_STATE_HOME");
  const char *home = getenv("HOME");
  int n;

  if (o->db)
    n = snprintf(buf, size, "%s", o->db);
  else if (env && *env)
    n = snprintf(buf, size, "%s", env);
  else if (xdg && *xdg == '/')
    n = snprintf(buf, size, "%s/x12kit/auth.db", xdg);
  else if (home && *home == '/')
    n = snprintf(buf, size, "%s/.local/state/x12kit/auth.db", home);
  else {
    fprintf(stderr, "%s: no place for the tracking database: give --db FILE or set "
                    "X12KIT_AUTH_DB or HOME\n", CLI_NAME);
    return CLI_IO;
  }
  if (n < 0 || (size_t)n >= size) {
    fprintf(stderr, "%s: the tracking database path is too long\n", CLI_NAME);
    return CLI_IO;
  }
  if (create_dirs && !o->db && !(env && *env)) {
    char *slash = strrchr(buf, '/');
    int rc;
    *slash = '\0';
    rc = make_dirs(buf);
    *slash = '/';
    return rc;
  }
  return CLI_OK;
}

/* Opens the database; prints why and returns an exit status on failure. */
static int open_db(const char *path, unsigned flags, x12kit_tracker **t)
{
  x12kit_error err;
  int rc = x12kit_tracker_open(t, path, flags, NULL, &err);

  if (rc == X12KIT_OK)
    return CLI_OK;
  if (rc == X12KIT_ERR_NOMEM)
    return cli_nomem();
  fprintf(stderr, "%s: %s: ", CLI_NAME, path);
  cli_put_safe(stderr, err.text);
  fputc('\n', stderr);
  return rc == X12KIT_ERR_ARG ? CLI_INTERNAL : CLI_IO;
}

/* ---- words ---- */

/* "certified (A1)", "rejected (AAA 75)", "pended" */
static void print_state(FILE *fp, int state, const char *action, const char *rejection)
{
  fputs(x12kit_auth_state_text(state), fp);
  if (action && *action) {
    fputs(" (", fp);
    cli_put_safe(fp, action);
    fputc(')', fp);
  } else if (state == X12KIT_AUTH_REJECTED && rejection && *rejection) {
    fputs(" (AAA ", fp);
    cli_put_safe(fp, rejection);
    fputc(')', fp);
  }
}

/* CCYYMMDD as CCYY-MM-DD; anything else as it is. */
static const char *date_text(const char *d, char *buf, size_t size)
{
  if (strlen(d) == 8)
    snprintf(buf, size, "%.4s-%.2s-%.2s", d, d + 4, d + 6);
  else
    snprintf(buf, size, "%s", d);
  return buf;
}

/* HSD01 quantity qualifier in words. */
static const char *quantity_word(const char *q)
{
  static const char *const words[][2] = {
    { "VS", "visits" }, { "DY", "days" }, { "FL", "units" }, { "HS", "hours" },
    { "MN", "months" },
  };
  size_t i;

  for (i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strcmp(q, words[i][0]) == 0)
      return words[i][1];
  return *q ? q : "units";
}

/* BHT04 and BHT05 (CCYYMMDDHHMMSS..) as "CCYY-MM-DD HH:MM" (|sep| between). */
static const char *created_text(const char *c, char sep, char *buf, size_t size)
{
  if (strlen(c) >= 14)
    snprintf(buf, size, "%.4s-%.2s-%.2s%c%.2s:%.2s:%.2s", c, c + 4, c + 6, sep, c + 8,
             c + 10, c + 12);
  else
    snprintf(buf, size, "%s", c);
  return buf;
}

/* Local time for text, "2026-11-20 10:30". */
static const char *time_text(int64_t when, char *buf, size_t size)
{
  time_t tt = (time_t)when;
  struct tm tm;

  if (localtime_r(&tt, &tm) == NULL || strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
    snprintf(buf, size, "%lld", (long long)when);
  return buf;
}

/* UTC for JSON, "2026-11-20T10:30:00Z". */
static const char *time_iso(int64_t when, char *buf, size_t size)
{
  time_t tt = (time_t)when;
  struct tm tm;

  if (gmtime_r(&tt, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    snprintf(buf, size, "%lld", (long long)when);
  return buf;
}

/* ---- track ---- */

static void print_outcome(const char *name, size_t count, const x12kit_tracked_outcome *o)
{
  printf("%s: ", name);
  if (count > 1)
    printf("transaction %lu: ", o->transaction);
  if (!o->is_response) {
    printf("request ");
    cli_put_safe(stdout, o->reference);
    if (o->duplicate) {
      printf(" already recorded\n");
      return;
    }
    printf(" recorded");
    if (o->adopted)
      printf("; %lu earlier response%s now matched to it", o->adopted, cli_plural(o->adopted));
    printf("\n");
    return;
  }
  if (o->match == X12KIT_MATCH_NONE) {
    printf("unmatched response ");
    cli_put_safe(stdout, o->reference);
    printf("%s: ", o->duplicate ? " already recorded" : "");
    print_state(stdout, o->state, o->action, o->rejection);
    printf("; kept until its request is tracked\n");
    return;
  }
  printf("response to ");
  cli_put_safe(stdout, o->request_reference);
  printf("%s: ", o->duplicate ? " already recorded" : "");
  print_state(stdout, o->state, o->action, o->rejection);
  if (*o->certification) {
    printf(", certification ");
    cli_put_safe(stdout, o->certification);
  }
  printf(" (matched by %s", x12kit_auth_match_name(o->match));
  if (strcmp(o->reference, o->request_reference) != 0) {
    printf("; its reference ");
    cli_put_safe(stdout, o->reference);
  }
  printf(")\n");
}

/*
 * Records one file; returns its exit status.  *db_failed is set when
 * the database (or memory) failed, so that the next files would too.
 */
static int track_file(x12kit_tracker *t, const x12kit_schema *schema, const char *path,
                      const char *dbname, int *db_failed)
{
  x12kit_tracker_result *res = NULL;
  x12kit_error err;
  const char *name = path;
  char *buf = NULL;
  size_t len = 0, i, n;
  int rc = cli_read_file(path, MAX_278_BYTES, &name, &buf, &len);

  if (rc)
    return rc;
  rc = x12kit_tracker_record(t, schema, buf, len, (int64_t)time(NULL), &res, &err);
  free(buf);
  switch (rc) {
  case X12KIT_OK:
    break;
  case X12KIT_ERR_NOMEM:
    *db_failed = 1;
    return cli_nomem();
  case X12KIT_ERR_IO:
  case X12KIT_ERR_STATE:
  case X12KIT_ERR_VERSION:
    *db_failed = 1;
    fprintf(stderr, "%s: %s: ", CLI_NAME, dbname);
    cli_put_safe(stderr, err.text);
    fprintf(stderr, "; %s not recorded\n", name);
    return CLI_IO;
  case X12KIT_ERR_ARG:
    *db_failed = 1;
    fprintf(stderr, "%s: %s: %s\n", CLI_NAME, name, err.text);
    return CLI_INTERNAL;
  default:
    cli_print_error(name, &err);
    fprintf(stderr, "%s: %s: not recorded", CLI_NAME, name);
    if (rc == X12KIT_ERR_SYNTAX || rc == X12KIT_ERR_ENVELOPE)
      fprintf(stderr, " ('%s validate %s' lists every finding)", CLI_NAME, name);
    fputc('\n', stderr);
    return CLI_INVALID;
  }
  n = x12kit_tracker_result_count(res);
  for (i = 0; i < n; i++)
    print_outcome(name, n, x12kit_tracker_result_at(res, i));
  x12kit_tracker_result_free(res);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "%s: cannot write the output\n", CLI_NAME);
    return CLI_IO;
  }
  return CLI_OK;
}

int cmd_auth_track(int argc, char **argv)
{
  opts o;
  char path[DB_PATH_MAX];
  x12kit_schema *schema = NULL;
  x12kit_tracker *t = NULL;
  int rc = read_options(argc, argv, 1, &o), worst = CLI_OK, i, db_failed = 0;

  if (rc >= 0)
    return rc;
  rc = db_path(&o, 1, path, sizeof path);
  if (rc)
    return rc;
  rc = cli_load_schema(o.schemas, &schema);
  if (rc)
    return rc;
  rc = open_db(path, 0, &t);
  if (rc) {
    x12kit_schema_free(schema);
    return rc;
  }
  /* a file that cannot be read or is not a 278 does not stop the others */
  for (i = optind; i < argc && !db_failed; i++) {
    rc = track_file(t, schema, argv[i], path, &db_failed);
    if (rc > worst)
      worst = rc;
  }
  x12kit_tracker_close(t);
  x12kit_schema_free(schema);
  return worst;
}

/* ---- status: text ---- */

typedef struct lister {
  x12kit_tracker *t;
  const opts *o;
  unsigned long count;
  int failed;                  /* CLI_* status of a failure inside a callback */
  json_t *array;               /* JSON: where requests or responses go */
  struct link *links;          /* every tracked request, for chains and deadlines */
  size_t nlinks, caplinks;
  char today[11];
  char *windows;               /* the window file's text, NULL without one */
  size_t windows_len;
} lister;

/* What a chain needs of each request: read once before the listing. */
typedef struct link {
  int64_t id, follows;
  char reference[51], payer[81], decided[9], cert_type[2];
  int state;
} link;

static int collect_link(void *ud, const x12kit_tracked_request *r)
{
  lister *l = ud;
  link *k;

  if (l->nlinks == l->caplinks) {
    size_t nc = l->caplinks ? l->caplinks * 2 : 64;
    link *v = realloc(l->links, nc * sizeof *v);
    if (v == NULL) {
      l->failed = cli_nomem();
      return 1;
    }
    l->links = v;
    l->caplinks = nc;
  }
  k = &l->links[l->nlinks++];
  memset(k, 0, sizeof *k);
  k->id = r->id;
  k->follows = r->follows;
  k->state = r->state;
  snprintf(k->reference, sizeof k->reference, "%s", r->reference);
  snprintf(k->payer, sizeof k->payer, "%s", r->payer_id);
  snprintf(k->decided, sizeof k->decided, "%s", r->decided);
  snprintf(k->cert_type, sizeof k->cert_type, "%s", r->certification_type);
  return 0;
}

static const link *link_of(const lister *l, int64_t id)
{
  size_t i;

  for (i = 0; i < l->nlinks; i++)
    if (l->links[i].id == id)
      return &l->links[i];
  return NULL;
}

/* What a request is, from its UM02. */
static const char *kind_word(const char *um02)
{
  if (strcmp(um02, "1") == 0)
    return "immediate appeal";
  if (strcmp(um02, "2") == 0)
    return "appeal";
  if (strcmp(um02, "S") == 0)
    return "revision";
  if (strcmp(um02, "4") == 0)
    return "extension";
  if (strcmp(um02, "3") == 0)
    return "cancellation";
  return "request";
}

static int is_appeal(const char *um02)
{
  return strcmp(um02, "1") == 0 || strcmp(um02, "2") == 0;
}

/* The first request of |k|'s chain (bounded: a damaged file cannot loop us). */
static const link *chain_root(const lister *l, const link *k)
{
  size_t steps = 0;
  const link *p;

  while (k->follows && steps++ < l->nlinks && (p = link_of(l, k->follows)) != NULL)
    k = p;
  return k;
}

/* The follow-up of |k| recorded first, NULL when none. */
static const link *next_of(const lister *l, const link *k)
{
  size_t i;

  for (i = 0; i < l->nlinks; i++)
    if (l->links[i].follows == k->id && l->links[i].id != k->id)
      return &l->links[i];
  return NULL;
}

static int denied_state(int s)
{
  return s == X12KIT_AUTH_NOT_CERTIFIED || s == X12KIT_AUTH_PARTIAL || s == X12KIT_AUTH_MODIFIED;
}

/*
 * The appeal deadline of |k|: only for a decision that denied or cut
 * back something and that no appeal follows yet.  Returns 1 and fills
 * |deadline| and |left| then.
 */
static int deadline_of(const lister *l, const link *k, char deadline[11], long *left)
{
  char decided[11];
  long window = X12KIT_APPEAL_WINDOW_DEFAULT;
  size_t i;

  if (!denied_state(k->state) || strlen(k->decided) != 8)
    return 0;
  for (i = 0; i < l->nlinks; i++)
    if (l->links[i].follows == k->id && is_appeal(l->links[i].cert_type))
      return 0;
  snprintf(decided, sizeof decided, "%.4s-%.2s-%.2s", k->decided, k->decided + 4,
           k->decided + 6);
  if (l->o->window)
    window = l->o->window;
  else if (l->windows &&
           x12kit_appeal_window(l->windows, l->windows_len, k->payer, &window, NULL) != X12KIT_OK)
    window = X12KIT_APPEAL_WINDOW_DEFAULT;
  if (x12kit_date_add_days(decided, window, deadline) != X12KIT_OK ||
      x12kit_date_diff(l->today, deadline, left) != X12KIT_OK)
    return 0;
  return 1;
}

static void print_chain(const lister *l, const x12kit_tracked_request *r)
{
  const link *k = link_of(l, r->id), *p;
  size_t steps = 0;
  char deadline[11];
  long left;

  if (k == NULL)
    return;
  if (k->follows && (p = link_of(l, k->follows)) != NULL) {
    printf("  %s of ", kind_word(k->cert_type));
    cli_put_safe(stdout, p->reference);
    printf("\n");
  }
  if (k->follows || next_of(l, k)) {
    printf("  chain: ");
    for (p = chain_root(l, k); p && steps++ <= l->nlinks; p = next_of(l, p)) {
      if (steps > 1)
        printf(" -> %s ", kind_word(p->cert_type));
      cli_put_safe(stdout, p->reference);
      printf(" (%s)", x12kit_auth_state_text(p->state));
    }
    printf("\n");
  }
  if (deadline_of(l, k, deadline, &left)) {
    printf("  appeal deadline %s: ", deadline);
    if (left < 0)
      printf("OVERDUE by %ld day%s\n", -left, left == -1 ? "" : "s");
    else if (left <= DUE_SOON_DAYS)
      printf("DUE SOON, %ld day%s left\n", left, left == 1 ? "" : "s");
    else
      printf("%ld days left\n", left);
  }
}

static int text_response(void *ud, const x12kit_tracked_response *r)
{
  char b1[40], b2[40];

  (void)ud;
  printf("    dated %s, recorded %s: ", created_text(r->created, ' ', b1, sizeof b1),
         time_text(r->recorded_at, b2, sizeof b2));
  print_state(stdout, r->state, r->action, r->nrejections ? r->rejections[0].reason : "");
  if (*r->certification) {
    printf(", certification ");
    cli_put_safe(stdout, r->certification);
  }
  printf(", reference ");
  cli_put_safe(stdout, r->reference);
  if (r->match)
    printf(", matched by %s", x12kit_auth_match_name(r->match));
  if (strcmp(r->type_code, "19") == 0)
    printf(", further updates to follow");
  printf("\n");
  return 0;
}

static int text_request(void *ud, const x12kit_tracked_request *r)
{
  lister *l = ud;
  char b1[40], b2[40];
  size_t i;

  if (l->count++)
    printf("\n");
  cli_put_safe(stdout, r->reference);
  printf("  ");
  print_state(stdout, r->state, r->action, r->nrejections ? r->rejections[0].reason : "");
  printf("\n");
  print_chain(l, r);
  if (*r->certification || *r->approved_from) {
    printf("  ");
    if (*r->certification) {
      printf("certification ");
      cli_put_safe(stdout, r->certification);
    }
    if (*r->approved_from) {
      printf("%sapproved %s", *r->certification ? ", " : "",
             date_text(r->approved_from, b1, sizeof b1));
      if (*r->approved_to && strcmp(r->approved_to, r->approved_from) != 0)
        printf(" to %s", date_text(r->approved_to, b2, sizeof b2));
    }
    if (*r->approved_quantity) {
      printf(", quantity ");
      cli_put_safe(stdout, r->approved_quantity);
      printf(" ");
      cli_put_safe(stdout, quantity_word(r->quantity_qualifier));
    }
    printf("\n");
  }
  for (i = 0; i < r->nrejections; i++) {
    printf("  rejected in loop ");
    cli_put_safe(stdout, r->rejections[i].loop);
    printf(": AAA reason ");
    cli_put_safe(stdout, r->rejections[i].reason);
    printf(", follow-up ");
    cli_put_safe(stdout, r->rejections[i].action);
    printf("\n");
  }
  printf("  payer ");
  cli_put_safe(stdout, *r->payer_id ? r->payer_id : "-");
  printf(", requester NPI ");
  cli_put_safe(stdout, *r->npi ? r->npi : "-");
  if (*r->trace) {
    printf(", trace ");
    cli_put_safe(stdout, r->trace);
  }
  printf("\n");
  if (*r->requested_from) {
    printf("  requested %s", date_text(r->requested_from, b1, sizeof b1));
    if (*r->requested_to && strcmp(r->requested_to, r->requested_from) != 0)
      printf(" to %s", date_text(r->requested_to, b2, sizeof b2));
    if (*r->requested_quantity) {
      printf(", quantity ");
      cli_put_safe(stdout, r->requested_quantity);
      printf(" ");
      cli_put_safe(stdout, quantity_word(r->quantity_qualifier));
    }
    printf("\n");
  }
  printf("  submitted %s", time_text(r->submitted_at, b1, sizeof b1));
  printf(", updated %s, %lu response%s\n", time_text(r->updated_at, b2, sizeof b2),
         r->responses, cli_plural(r->responses));
  for (i = 0; i < r->nservices; i++) {
    const x12kit_tracked_service *s = &r->services[i];
    printf("  service ");
    cli_put_safe(stdout, s->procedure);
    printf(": requested ");
    cli_put_safe(stdout, *s->requested_units ? s->requested_units : "-");
    if (*s->action) {
      printf(", ");
      print_state(stdout, x12kit_auth_action_state(s->action), s->action, "");
    }
    if (*s->approved_units) {
      printf(", approved ");
      cli_put_safe(stdout, s->approved_units);
    }
    printf("\n");
  }
  if (l->o->history && r->responses) {
    x12kit_error err;
    int rc;
    printf("  responses:\n");
    rc = x12kit_tracker_history(l->t, r->id, text_response, l, &err);
    if (rc) {
      fprintf(stderr, "%s: ", CLI_NAME);
      cli_put_safe(stderr, err.text);
      fputc('\n', stderr);
      l->failed = rc == X12KIT_ERR_NOMEM ? CLI_INTERNAL : CLI_IO;
      return 1;
    }
  }
  return ferror(stdout) ? 1 : 0;
}

static int text_unmatched(void *ud, const x12kit_tracked_response *r)
{
  lister *l = ud;
  char b1[40];

  if (l->count++ == 0)
    printf("\nUnmatched responses (no tracked request; kept until it is tracked):\n");
  printf("  ");
  cli_put_safe(stdout, r->reference);
  printf("  ");
  print_state(stdout, r->state, r->action, r->nrejections ? r->rejections[0].reason : "");
  if (*r->certification) {
    printf(", certification ");
    cli_put_safe(stdout, r->certification);
  }
  printf(", payer ");
  cli_put_safe(stdout, *r->payer_id ? r->payer_id : "-");
  printf(", recorded %s\n", time_text(r->recorded_at, b1, sizeof b1));
  return ferror(stdout) ? 1 : 0;
}

/* ---- status: JSON ---- */

static json_t *jdate(const char *d)
{
  char buf[40];

  return d && *d ? cli_jstr(date_text(d, buf, sizeof buf)) : json_null();
}

static json_t *jtime(int64_t when)
{
  char buf[40];

  return cli_jstr(time_iso(when, buf, sizeof buf));
}

static json_t *jrange(const char *from, const char *to)
{
  json_t *o;

  if (!from || !*from)
    return json_null();
  o = json_object();
  cli_jset(o, "from", jdate(from));
  cli_jset(o, "to", jdate(to && *to ? to : from));
  return o;
}

static json_t *jrejections(const x12kit_tracked_rejection *r, size_t n)
{
  json_t *a = json_array();
  size_t i;

  for (i = 0; i < n; i++) {
    json_t *o = json_object();
    cli_jset(o, "loop", cli_jstr(r[i].loop));
    cli_jset(o, "reason", cli_jstr(r[i].reason));
    cli_jset(o, "follow_up", cli_jstr(r[i].action));
    cli_jpush(a, o);
  }
  return a;
}

static int json_response(void *ud, const x12kit_tracked_response *r)
{
  lister *l = ud;
  json_t *o = json_object();
  char cb[40];

  cli_jset(o, "reference", cli_jstr(r->reference));
  cli_jset(o, "created", cli_jstr(created_text(r->created, 'T', cb, sizeof cb)));
  cli_jset(o, "state", cli_jstr(x12kit_auth_state_name(r->state)));
  cli_jset(o, "state_text", cli_jstr(x12kit_auth_state_text(r->state)));
  cli_jset(o, "action", cli_jopt(r->action));
  cli_jset(o, "certification", cli_jopt(r->certification));
  cli_jset(o, "reason", cli_jopt(r->reason));
  cli_jset(o, "payer_id", cli_jopt(r->payer_id));
  cli_jset(o, "npi", cli_jopt(r->npi));
  cli_jset(o, "matched_by", r->match ? cli_jstr(x12kit_auth_match_name(r->match)) : json_null());
  cli_jset(o, "further_updates", json_boolean(strcmp(r->type_code, "19") == 0));
  cli_jset(o, "recorded_at", jtime(r->recorded_at));
  cli_jset(o, "rejections", jrejections(r->rejections, r->nrejections));
  cli_jpush(l->array, o);
  return cli_json_failed;
}

static int json_request(void *ud, const x12kit_tracked_request *r)
{
  lister *l = ud;
  json_t *o = json_object(), *a, *q, *saved;
  x12kit_error err;
  char cb[40];
  size_t i;
  int rc;

  l->count++;
  cli_jset(o, "reference", cli_jstr(r->reference));
  cli_jset(o, "state", cli_jstr(x12kit_auth_state_name(r->state)));
  cli_jset(o, "state_text", cli_jstr(x12kit_auth_state_text(r->state)));
  cli_jset(o, "action", cli_jopt(r->action));
  cli_jset(o, "certification", cli_jopt(r->certification));
  cli_jset(o, "reason", cli_jopt(r->reason));
  cli_jset(o, "payer_id", cli_jopt(r->payer_id));
  cli_jset(o, "npi", cli_jopt(r->npi));
  cli_jset(o, "trace", cli_jopt(r->trace));
  cli_jset(o, "created", cli_jstr(created_text(r->created, 'T', cb, sizeof cb)));
  cli_jset(o, "requested", jrange(r->requested_from, r->requested_to));
  cli_jset(o, "approved", jrange(r->approved_from, r->approved_to));
  q = json_object();
  cli_jset(q, "qualifier", cli_jopt(r->quantity_qualifier));
  cli_jset(q, "requested", cli_jopt(r->requested_quantity));
  cli_jset(q, "approved", cli_jopt(r->approved_quantity));
  cli_jset(o, "quantity", q);
  cli_jset(o, "submitted_at", jtime(r->submitted_at));
  cli_jset(o, "updated_at", jtime(r->updated_at));
  cli_jset(o, "responses", json_integer((json_int_t)r->responses));
  a = json_array();
  for (i = 0; i < r->nservices; i++) {
    const x12kit_tracked_service *s = &r->services[i];
    json_t *so = json_object();
    cli_jset(so, "qualifier", cli_jopt(s->qualifier));
    cli_jset(so, "procedure", cli_jstr(s->procedure));
    cli_jset(so, "unit", cli_jopt(s->unit));
    cli_jset(so, "requested_units", cli_jopt(s->requested_units));
    cli_jset(so, "dates", jrange(s->from, s->to));
    cli_jset(so, "action", cli_jopt(s->action));
    cli_jset(so, "certification", cli_jopt(s->certification));
    cli_jset(so, "approved_units", cli_jopt(s->approved_units));
    cli_jset(so, "approved", jrange(s->approved_from, s->approved_to));
    cli_jpush(a, so);
  }
  cli_jset(o, "services", a);
  cli_jset(o, "rejections", jrejections(r->rejections, r->nrejections));
  cli_jset(o, "kind", cli_jstr(kind_word(r->certification_type)));
  cli_jset(o, "follows", cli_jopt(r->follows_reference));
  {
    const link *k = link_of(l, r->id);
    char deadline[11];
    long left;
    if (k && deadline_of(l, k, deadline, &left)) {
      cli_jset(o, "appeal_deadline", cli_jstr(deadline));
      cli_jset(o, "appeal_days_left", json_integer(left));
    }
  }
  saved = l->array;
  l->array = json_array();
  rc = x12kit_tracker_history(l->t, r->id, json_response, l, &err);
  cli_jset(o, "history", l->array);
  l->array = saved;
  cli_jpush(l->array, o);
  if (rc && rc != X12KIT_ERR_ABORTED) {
    fprintf(stderr, "%s: ", CLI_NAME);
    cli_put_safe(stderr, err.text);
    fputc('\n', stderr);
    l->failed = rc == X12KIT_ERR_NOMEM ? CLI_INTERNAL : CLI_IO;
    return 1;
  }
  return cli_json_failed;
}

/* ---- status ---- */

/* Maps a listing failure to an exit status, printing why. */
static int list_failed(lister *l, int rc, const x12kit_error *err)
{
  if (l->failed)
    return l->failed;
  if (rc == X12KIT_ERR_NOMEM || (rc == X12KIT_ERR_ABORTED && cli_json_failed))
    return cli_nomem();
  if (rc == X12KIT_ERR_ABORTED) {
    fprintf(stderr, "%s: cannot write the output\n", CLI_NAME);
    return CLI_IO;
  }
  fprintf(stderr, "%s: ", CLI_NAME);
  cli_put_safe(stderr, err->text);
  fputc('\n', stderr);
  return rc == X12KIT_ERR_ARG ? CLI_INTERNAL : CLI_IO;
}

/* Today, the window file and every request's link, before the listing. */
static int prepare_chains(lister *l, x12kit_tracker *t)
{
  const char *wf = l->o->window_file, *name = NULL;
  x12kit_error err;
  time_t now;
  struct tm tm;
  long days;
  int rc;

  if (l->o->today) {
    snprintf(l->today, sizeof l->today, "%s", l->o->today);
  } else {
    now = time(NULL);
    if (gmtime_r(&now, &tm) == NULL || strftime(l->today, sizeof l->today, "%Y-%m-%d", &tm) != 10)
      l->today[0] = '\0';
  }
  if (wf == NULL && l->o->window == 0) {
    wf = getenv("X12KIT_APPEAL_WINDOWS");
    if (wf != NULL && *wf == '\0')
      wf = NULL;
  }
  if (wf != NULL && l->o->window == 0) {
    rc = cli_read_file(wf, MAX_WINDOW_FILE, &name, &l->windows, &l->windows_len);
    if (rc != CLI_OK)
      return rc;
    /* a malformed file is reported now, not skipped silently later */
    if (x12kit_appeal_window(l->windows, l->windows_len, "", &days, &err) != X12KIT_OK) {
      fprintf(stderr, "%s: %s:%lu: %s\n", CLI_NAME, name, err.pos.line, err.text);
      return CLI_INVALID;
    }
  }
  if (t == NULL)
    return CLI_OK;
  rc = x12kit_tracker_list(t, NULL, collect_link, l, &err);
  if (rc)
    return list_failed(l, rc, &err);
  return CLI_OK;
}

static int status_run(const opts *o, const char *path, x12kit_tracker *t)
{
  x12kit_tracker_filter f;
  x12kit_error err;
  lister l;
  json_t *root = NULL, *requests = NULL, *unmatched = NULL;
  int rc;

  memset(&l, 0, sizeof l);
  l.t = t;
  l.o = o;
  f.reference = o->reference;
  f.state = o->state;
  cli_json_failed = 0;
  if (o->json) {
    root = json_object();
    requests = json_array();
    unmatched = json_array();
    cli_jset(root, "database", cli_jstr(path));
    l.array = requests;
  }
  rc = prepare_chains(&l, t);
  if (rc != CLI_OK)
    goto out;
  if (t) {
    rc = x12kit_tracker_list(t, &f, o->json ? json_request : text_request, &l, &err);
    if (rc) {
      rc = list_failed(&l, rc, &err);
      goto out;
    }
    if (!o->json && l.count == 0)
      printf("%s\n", o->reference || o->state ? "No tracked request matches."
                                              : "No prior-authorization requests tracked yet.");
    if (!o->state) {
      l.count = 0;
      l.array = unmatched;
      rc = x12kit_tracker_unmatched(t, o->reference, o->json ? json_response : text_unmatched,
                                    &l, &err);
      if (rc) {
        rc = list_failed(&l, rc, &err);
        goto out;
      }
    }
  } else if (!o->json) {
    printf("No prior-authorization requests tracked yet.\n");
  }
  if (o->json) {
    cli_jset(root, "requests", requests);
    cli_jset(root, "unmatched", unmatched);
    requests = unmatched = NULL;
    rc = cli_json_print(root);
  } else {
    rc = CLI_OK;
  }
out:
  free(l.links);
  free(l.windows);
  json_decref(requests);
  json_decref(unmatched);
  json_decref(root);
  if (rc == CLI_OK && (fflush(stdout) != 0 || ferror(stdout))) {
    fprintf(stderr, "%s: cannot write the output\n", CLI_NAME);
    rc = CLI_IO;
  }
  return rc;
}

int cmd_auth_status(int argc, char **argv)
{
  opts o;
  char path[DB_PATH_MAX];
  x12kit_tracker *t = NULL;
  struct stat sb;
  int rc = read_options(argc, argv, 0, &o);

  if (rc >= 0)
    return rc;
  rc = db_path(&o, 0, path, sizeof path);
  if (rc)
    return rc;
  /* nothing tracked yet: an empty list, and no file created */
  if (stat(path, &sb) != 0 && errno == ENOENT)
    return status_run(&o, path, NULL);
  rc = open_db(path, X12KIT_TRACKER_NO_CREATE, &t);
  if (rc)
    return rc;
  rc = status_run(&o, path, t);
  x12kit_tracker_close(t);
  return rc;
}
