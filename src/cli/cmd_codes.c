/*
 * x12kit codes: looks up the shared code lists of the maps: the codes
 * of the ketamine use case, one whole list, or a search over all lists.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char codes_usage[] =
  "Usage: " CLI_NAME " codes [--schemas DIR] [ketamine|LIST|SEARCH]";

static const char codes_help[] =
  "Look up the code lists of the implementation-guide maps.\n"
  "\n"
  "  ketamine  (or no argument) the procedure codes (HC), the diagnosis\n"
  "            codes (ICD-10-CM) and the service type codes (1365) of the\n"
  "            ketamine and esketamine use case\n"
  "  LIST      every code of a list, as CODE<tab>description: a data\n"
  "            element number (1365, 901, 306...), HC or ICD10\n"
  "  SEARCH    codes and descriptions of every list that contain SEARCH,\n"
  "            ignoring case, as LIST<tab>CODE<tab>description; a diagnosis\n"
  "            may be typed with its dot (F33.2 finds F332)\n"
  "\n"
  "Diagnosis codes go in X12 without the dot (F332); the ketamine listing\n"
  "shows them with it (F33.2).\n"
  "\n"
  "Options:\n"
  "  -h, --help         show this help and exit\n"
  "      --schemas DIR  read the maps from DIR (default: $X12KIT_SCHEMA_DIR,\n"
  "                     or the installed maps)\n"
  "\n"
  "Exit status:\n"
  "  0  codes printed\n"
  "  1  no code matches SEARCH\n"
  "  2  usage error\n"
  "  3  cannot write the output\n"
  "  4  the maps cannot be loaded, or out of memory\n";

/* The service type codes (1365) a ketamine clinic asks about in EQ01. */
static const char *const ketamine_stc[] = { "MH", "A4", "A6", "A8", "CF", "CH",
                                            "98", "BY", "1",  "50", "88", "30" };

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static int usage_error(const char *msg)
{
  if (msg)
    fprintf(stderr, "%s: %s\n", CLI_NAME, msg);
  fprintf(stderr, "%s\n", codes_usage);
  return CLI_USAGE;
}

/* Prints "CODE<tab>DESC" (no tab without a description). */
static void put_code(const char *value, const char *desc)
{
  cli_put_safe(stdout, value);
  if (desc) {
    putchar('\t');
    cli_put_safe(stdout, desc);
  }
  putchar('\n');
}

static int print_code(void *ud, const char *value, const char *desc)
{
  (void)ud;
  put_code(value, desc);
  return 0;
}

/* "  CODE     DESC", for the ketamine listing. */
static int print_indented(void *ud, const char *value, const char *desc)
{
  (void)ud;
  fputs("  ", stdout);
  cli_put_safe(stdout, value);
  printf("%*s", strlen(value) < 8 ? (int)(9 - strlen(value)) : 1, "");
  cli_put_safe(stdout, desc ? desc : "");
  putchar('\n');
  return 0;
}

/* An ICD-10-CM code in X12 form with its dot restored: F332 is F33.2. */
static int print_icd10(void *ud, const char *value, const char *desc)
{
  char buf[40];
  size_t n = strlen(value);

  if (n > 3 && n < sizeof buf - 1) {
    memcpy(buf, value, 3);
    buf[3] = '.';
    memcpy(buf + 4, value + 3, n - 3 + 1);
    value = buf;
  }
  return print_indented(ud, value, desc);
}

static int missing_list(const char *dir, const char *list)
{
  fprintf(stderr, "%s: the maps in %s have no code list %s\n", CLI_NAME,
          dir ? dir : x12kit_schema_default_dir(), list);
  return CLI_INTERNAL;
}

static int show_ketamine(const x12kit_schema *s, const char *dir)
{
  size_t i;

  printf("Procedure codes (CPT/HCPCS, qualifier HC):\n");
  if (x12kit_schema_codes_each(s, "HC-ketamine", print_indented, NULL) != X12KIT_OK)
    return missing_list(dir, "HC-ketamine");
  printf("\nDiagnosis codes (ICD-10-CM; X12 leaves out the dot):\n");
  if (x12kit_schema_codes_each(s, "ICD10-ketamine", print_icd10, NULL) != X12KIT_OK)
    return missing_list(dir, "ICD10-ketamine");
  printf("\nService type codes to ask about (EQ01, list 1365):\n");
  for (i = 0; i < NELEMS(ketamine_stc); i++)
    print_indented(NULL, ketamine_stc[i], x12kit_schema_code(s, "1365", ketamine_stc[i]));
  return CLI_OK;
}

/* Case-insensitive: does |hay| contain |needle| (not empty)? */
static int contains(const char *hay, const char *needle)
{
  size_t n = strlen(needle);

  for (; *hay; hay++) {
    size_t i = 0;
    while (i < n && hay[i] &&
           tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
      i++;
    if (i == n)
      return 1;
  }
  return 0;
}

typedef struct search {
  const x12kit_schema *schema;
  const char *list;
  const char *text;    /* as typed */
  const char *nodots;  /* without '.', for ICD-10 codes typed with their dot; or NULL */
  unsigned long found;
} search;

static int search_code(void *ud, const char *value, const char *desc)
{
  search *q = ud;

  if (contains(value, q->text) || (desc && contains(desc, q->text)) ||
      (q->nodots && contains(value, q->nodots))) {
    printf("%s\t", q->list);
    put_code(value, desc);
    q->found++;
  }
  return 0;
}

/* Searches one shared list, unless it is a -ketamine subset. */
static int search_list(void *ud, const char *id, const char *name)
{
  search *q = ud;
  size_t n = strlen(id);

  (void)name;
  if (n > 9 && strcmp(id + n - 9, "-ketamine") == 0)
    return 0;
  q->list = id;
  (void)x12kit_schema_codes_each(q->schema, id, search_code, q);
  return 0;
}

static int run_search(const x12kit_schema *s, const char *text)
{
  search q;
  char *nodots = NULL;
  size_t i, k;

  memset(&q, 0, sizeof q);
  q.text = text;
  if (strchr(text, '.')) {
    nodots = malloc(strlen(text) + 1);
    if (nodots == NULL)
      return cli_nomem();
    for (i = k = 0; text[i]; i++)
      if (text[i] != '.')
        nodots[k++] = text[i];
    nodots[k] = '\0';
    if (k > 0)
      q.nodots = nodots;
  }
  q.schema = s;
  /* every shared list but the -ketamine subsets, which repeat HC and ICD10 */
  (void)x12kit_schema_codelists_each(s, search_list, &q);
  free(nodots);
  if (q.found == 0) {
    fprintf(stderr, "%s: no code matches '", CLI_NAME);
    cli_put_safe(stderr, text);
    fprintf(stderr, "'\n");
    return CLI_INVALID;
  }
  return CLI_OK;
}

int cmd_codes(int argc, char **argv)
{
  enum { OPT_SCHEMAS = 256 };
  static const struct option longopts[] = {
    { "help", no_argument, NULL, 'h' },
    { "schemas", required_argument, NULL, OPT_SCHEMAS },
    { NULL, 0, NULL, 0 }
  };
  const char *dir = NULL, *arg = "ketamine";
  x12kit_schema *s;
  int c, status;

  optind = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
    switch (c) {
    case 'h':
      printf("%s\n\n%s", codes_usage, codes_help);
      return CLI_OK;
    case OPT_SCHEMAS:
      dir = optarg;
      break;
    default:
      return usage_error(optopt ? "unknown or incomplete option" : "unknown option");
    }
  }
  if (argc - optind > 1)
    return usage_error("too many arguments");
  if (optind < argc)
    arg = argv[optind];
  if (*arg == '\0')
    return usage_error("empty SEARCH");
  status = cli_load_schema(dir, &s);
  if (status != CLI_OK)
    return status;
  if (strcmp(arg, "ketamine") == 0)
    status = show_ketamine(s, dir);
  else if (x12kit_schema_codes_each(s, arg, print_code, NULL) == X12KIT_OK)
    status = CLI_OK;
  else
    status = run_search(s, arg);
  x12kit_schema_free(s);
  return status;
}
