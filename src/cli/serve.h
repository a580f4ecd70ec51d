/*
 * x12kit - the clearinghouse simulator (x12kit serve): the payer rules
 * it answers from.  The file format is described in
 * docs/simulator-rules.md.
 */
#ifndef X12KIT_SERVE_H
#define X12KIT_SERVE_H

#include <stddef.h>

/* One benefit of a plan: for a service type, or for a procedure code. */
typedef struct serve_benefit {
  char *service_type;         /* EB03, e.g. "30", "MH"; NULL with a procedure */
  char *procedure;            /* CPT/HCPCS for EB13, NULL with a service type */
  int covered;                /* active coverage (EB01 1) or not covered (EB01 I) */
  char *copay;                /* EB01 B, EB07 */
  char *coinsurance;          /* EB01 A, EB08 (".2" = 20 %) */
  char *deductible;           /* EB01 C, time period 23 */
  char *deductible_remaining; /* EB01 C, time period 29 */
  char *oop;                  /* EB01 G, time period 23 */
  char *oop_remaining;        /* EB01 G, time period 29 */
  char *visits;               /* EB01 F, VS quantity */
  char network;               /* EB12: 'Y' in, 'N' out, 'W' not applicable, 0 none */
  char prior_auth;            /* EB11: 'Y', 'N' or 0 */
  char *message;              /* MSG01 */
  struct serve_benefit *next;
} serve_benefit;

typedef struct serve_plan {
  char *id;
  char *name;                 /* EB05 */
  serve_benefit *benefits;
  struct serve_plan *next;
} serve_plan;

typedef struct serve_member {
  char *id;                   /* NM109 */
  char *last, *first, *dob;   /* NM103, NM104, DMG02 (CCYYMMDD) */
  char *group;                /* REF*6P */
  const serve_plan *plan;
  int active;
  char *fault;                /* a fault injected for this member, or NULL */
  struct serve_member *dependents;
  struct serve_member *next;
} serve_member;

/* Decisions of a prior-authorization rule. */
typedef enum serve_decision {
  SERVE_CERTIFIED = 0,        /* HCR01 A1 */
  SERVE_PARTIAL,              /* HCR01 A6, fewer units */
  SERVE_PENDED,               /* HCR01 A4 */
  SERVE_DENIED                /* HCR01 A3, with a reason (HCR03) */
} serve_decision;

typedef struct serve_auth_rule {
  char *procedure;            /* "*" for any */
  char *diagnosis;            /* ICD-10 without the dot, "*" for any */
  serve_decision decision;
  unsigned long units;        /* partial: units certified; 0: as asked */
  char *reason;               /* HCR03 for denied and partial */
  char *cert_prefix;          /* certification numbers: PREFIX and a counter */
  char *start, *end;          /* CCYYMMDD; NULL: the dates asked */
  struct serve_auth_rule *next;
} serve_auth_rule;

/*
 * How appeals (UM02 1 or 2) are decided: overturned when the request
 * carries a PWK whose PWK01 is one of |attachments| and, when
 * |need_message|, a MSG with text; upheld otherwise.
 */
#define SERVE_MAX_ATTACHMENTS 8

typedef struct serve_appeals {
  char attachments[SERVE_MAX_ATTACHMENTS][3];  /* PWK01 codes; default "03" */
  size_t n_attachments;
  int need_message;           /* default 1 */
  char *reason;               /* HCR03 when upheld and no auth rule gives one; default "35" */
  char *cert_prefix;          /* certification numbers of overturned appeals; default "SIM" */
} serve_appeals;

typedef struct serve_rules {
  char *payer_name, *payer_id;
  serve_plan *plans;
  serve_member *members;
  serve_auth_rule *auth;
  serve_appeals appeals;
  void *doc_;                 /* private */
} serve_rules;

/*
 * Reads the rules file |path| (no network, no DTD, no entities).  On
 * failure writes a message naming the file and what is wrong into |msg|
 * and returns -1.
 */
int serve_rules_load(const char *path, serve_rules **out, char *msg, size_t msg_size);
void serve_rules_free(serve_rules *r);

/* The member (or dependent) with |id|, or NULL. */
const serve_member *serve_rules_member(const serve_rules *r, const char *id);

/* The first rule matching |procedure| and any of |dx| (|ndx| codes), or NULL. */
const serve_auth_rule *serve_rules_auth(const serve_rules *r, const char *procedure,
                                        const char *const *dx, size_t ndx);

#endif /* X12KIT_SERVE_H */
