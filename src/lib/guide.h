/*
 * x12kit - the compiled form of the implementation-guide maps, shared
 * by schema.c (which builds it) and validate.c (which walks it).
 *
 * Everything a schema holds lives in one arena and is never changed
 * after loading, so one schema may serve many validators and threads.
 */
#ifndef X12KIT_GUIDE_H
#define X12KIT_GUIDE_H

#include "internal.h"

#define X12KITP_UNBOUNDED 0u          /* max use / repeat without a limit */

typedef struct x12kitp_code {
  const char *value;
  const char *desc;                   /* "" when the map gives none */
} x12kitp_code;

typedef struct x12kitp_codelist {
  const char *id;                     /* data element number: "1365" */
  const char *name;
  size_t n;
  const x12kitp_code *codes;          /* sorted by value */
  const uint64_t *keys;               /* the codes packed (x12kitp_code_key), sorted; NULL
                                         when a code is too long to pack */
} x12kitp_codelist;

/* A simple element, a component, or a composite (ncomp > 0). */
typedef struct x12kitp_elem {
  unsigned pos;
  unsigned ref;                       /* numeric data element number, 0 if none (C003) */
  const char *ref_text;               /* "98", "C003" */
  const char *name;
  char usage;                         /* 'R', 'S', 'N' */
  char type[3];                       /* "AN", "ID", "DT", "TM", "N0".."N2", "R"; "" composite */
  unsigned min, max;
  unsigned repeat;                    /* X12KITP_UNBOUNDED or a count */
  int match;                          /* a qualifier that picks this definition */
  size_t ncodes;
  const char *const *codes;           /* inline codes, sorted */
  const uint64_t *keys;               /* the same packed, sorted; NULL if one is too long */
  const x12kitp_codelist *list;       /* shared list, or NULL */
  size_t ncomp;
  const struct x12kitp_elem *comps;   /* components, by pos */
} x12kitp_elem;

typedef struct x12kitp_syntax {
  char rule;                          /* 'P', 'R', 'E', 'C', 'L' */
  unsigned n;
  unsigned pos[16];
} x12kitp_syntax;

typedef struct x12kitp_datefmt {
  unsigned element, qualifier;
} x12kitp_datefmt;

/* A qualifier element (or component) that picks a segment definition. */
typedef struct x12kitp_match {
  const x12kitp_elem *e;
  unsigned elem;                      /* element position */
  unsigned comp;                      /* component position, 1 for a simple element */
} x12kitp_match;

typedef struct x12kitp_segdef {
  char id[4];
  const char *name;
  char usage;
  unsigned max;                       /* max use in one loop instance */
  unsigned maxpos;                    /* highest element position defined */
  const x12kitp_elem *const *by_pos;  /* up to maxpos and every syntax position, NULL where
                                         not defined */
  size_t nmatch;
  const x12kitp_match *matches;       /* the match="true" elements and components */
  size_t nsyntax;
  const x12kitp_syntax *syntax;
  size_t ndatefmt;
  const x12kitp_datefmt *datefmt;
} x12kitp_segdef;

typedef struct x12kitp_loopdef x12kitp_loopdef;

typedef struct x12kitp_child {
  const x12kitp_segdef *seg;          /* exactly one of seg and loop is set */
  const x12kitp_loopdef *loop;
} x12kitp_child;

struct x12kitp_loopdef {
  char id[8];                         /* "" for the transaction itself */
  const char *name;
  char usage;
  unsigned repeat;
  size_t nchild;
  const x12kitp_child *children;      /* children[0].seg starts the loop */
  const x12kitp_loopdef *parent;
  int hl;                             /* the loop starts with HL */
};

struct x12kit_guide {
  const char *id, *name, *transaction, *functional_id, *version;
  char select_seg[4];                 /* "" when the guide has no select */
  unsigned select_elem;
  size_t nselect;
  const char *const *select_values;
  x12kitp_loopdef root;
};

/* Every segment ID of every guide and of control.xml, for IK304 1 vs 6. */
int x12kitp_schema_knows_segment(const x12kit_schema *s, const char *id);

/* The shared code list |id|, or NULL. */
const x12kitp_codelist *x12kitp_schema_codelist(const x12kit_schema *s, const char *id);

/* The control.xml definition of an interchange segment (ISA, GS, TA1...), or NULL. */
const x12kitp_segdef *x12kitp_schema_control(const x12kit_schema *s, const char *id);

/*
 * A code of at most 7 bytes packed into one integer (bytes, then the
 * length): equal codes, equal keys.  0 for a longer one.
 */
uint64_t x12kitp_code_key(const char *p, size_t n);

/* Non-zero when |v| is allowed by |e|'s inline codes or shared list (no list: allowed). */
int x12kitp_code_allowed(const x12kitp_elem *e, x12kit_slice v);

#endif /* X12KIT_GUIDE_H */
