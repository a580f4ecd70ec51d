/*
 * x12kit - envelope checks: ISA/IEA, GS/GE and ST/SE.
 *
 * The input is any number of interchanges, each of the form
 *
 *     ISA (TA1)* (GS (ST ... SE)* GE)* IEA
 *
 * The checker reads the segments the lexer gives, in order, and never
 * stops at a fault.  Each fault carries the code an acknowledgment
 * reports it with:
 *
 *     fault                                            ack       code
 *     ISA01 not 00 or 03                               TA1       010
 *     ISA03 not 00 or 01                               TA1       012
 *     ISA05 not 01 14 20 27 28 29 30 33 ZZ             TA1       005
 *     ISA06 blank                                      TA1       006
 *     ISA07 not 01 14 20 27 28 29 30 33 ZZ             TA1       007
 *     ISA08 blank                                      TA1       008
 *     ISA09 not a date YYMMDD                          TA1       014
 *     ISA10 not a time HHMM                            TA1       015
 *     ISA13 not 9 digits                               TA1       018
 *     ISA14 not 0 or 1                                 TA1       019
 *     ISA15 not P or T                                 TA1       020
 *     ISA13 already used earlier in the input          TA1       025
 *     IEA01 not a number, or not the number of GS      TA1       021
 *     IEA02 differs from ISA13                         TA1       001
 *     no IEA (a new ISA, or the input ended)           TA1       023
 *     a segment where the envelope allows none         TA1       024
 *     GS01 not a functional identifier x12kit knows    999 AK9   1
 *     no GE (a new GS, IEA, ISA, or the input ended)   999 AK9   3
 *     GE02 differs from GS06                           999 AK9   4
 *     GE01 not a number, or not the number of ST       999 AK9   5
 *     GS06 not 1 to 9 digits                           999 AK9   6
 *     GS06 already used in the interchange             999 AK9   19
 *     no SE (a new ST, GS, GE, IEA, ISA, or the end)   999 IK5   2
 *     SE02 differs from ST02                           999 IK5   3
 *     SE01 not a number, or not the segments ST..SE    999 IK5   4
 *     ST01 not the transaction set GS01 calls for      999 IK5   6
 *     ST02 not 4 to 9 printable characters             999 IK5   7
 *     ST outside a functional group                    999 IK5   18
 *     ST03 differs from GS08                           999 IK5   19
 *     ST02 already used in the group                   999 IK5   23
 *
 * "A segment where the envelope allows none" is anything but TA1
 * between ISA and the first GS, anything between GE and the next GS or
 * IEA, a data segment in a group but outside ST..SE, and an SE, GE or
 * IEA with nothing open to close: one fault per such segment.
 *
 * Rules kept throughout:
 *
 * - A fault about an interchange, group or transaction is reported
 *   while it is open: after its BEGIN event, before its END event.  A
 *   missing trailer is reported at the segment that closed the unit in
 *   its place (GE, IEA, a new header), or at the last segment when the
 *   input ended, and the END event follows.
 * - An ST outside a group still opens a transaction, so that its body
 *   is not reported segment by segment.
 * - Texts name segments, positions, counts, control numbers, IDs and
 *   versions, never other element content; a control value that is
 *   malformed is not printed either.  The offending element goes into
 *   err.value only after x12kit_envelope_set_show_data().
 * - Once a callback asks to stop or an allocation fails, every later
 *   call returns that status until x12kit_envelope_reset().
 * - The control numbers seen (ISA13 over the whole input, GS06 per
 *   interchange, ST02 per group) are kept in hash sets of packed 64-bit
 *   keys hashed with a salt, so that an input cannot choose numbers that
 *   all collide: a group of a million transactions stays fast.
 *   A set remembers at most KEYSET_MAX_KEYS numbers; past that, new
 *   numbers are not remembered and their duplicates go unreported.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/*
 * A control value kept from a header for comparison with its trailer.
 * Values up to CTL_MAX bytes (ST03 is AN 1/35) are kept whole; longer
 * ones keep their first CTL_MAX + 1 bytes, so that they stay longer
 * than any valid value.
 */
#define CTL_MAX 35

typedef struct ctl {
  char s[CTL_MAX + 2];
  size_t len;                  /* bytes kept in s, at most CTL_MAX + 1 */
} ctl;

/*
 * Sets of control numbers: open addressing, linear probing, load at
 * most one half.  A full set has 2^22 slots of 8 bytes (32 MiB).
 */
#define KEYSET_MIN_BITS 6
#define KEYSET_MAX_KEYS (1u << 21) /* 2,097,152: GE01 allows 999,999 ST */
#define KEYSET_KEEP_SLOTS 1024u    /* cleared sets larger than this are freed */

typedef struct keyset {
  uint64_t *slot;              /* 0 marks an empty slot */
  size_t cap;                  /* a power of two, 0 until first use */
  size_t n;
  unsigned bits;               /* log2(cap) */
  /*
   * Senders number control numbers in sequence (0001, 0002, ... 9999,
   * 10000): a run of all-digit numbers, each written with at least
   * run_width digits, is kept as its first and last value, so that
   * memory stays flat however many there are.  Numbers outside the run
   * go to the hash slots.
   */
  size_t run_width;            /* 0 while there is no run */
  uint64_t run_lo, run_hi;
} keyset;

struct x12kit_envelope {
  x12kit_mem mem;
  x12kit_envelope_event_cb on_event;
  x12kit_error_cb on_error;
  void *user_data;
  int show_data;
  int status;                  /* X12KIT_ERR_ABORTED or _NOMEM once stopped */
  unsigned long errors;
  uint64_t mul, add;           /* hash salt */

  int in_isa, in_gs, in_st;
  x12kit_interchange_info isa;
  x12kit_group_info gs;
  x12kit_transaction_info st;
  unsigned long isa_seg, gs_seg, st_seg; /* header ordinals, to name a unit */
  ctl isa13, gs06, gs08, st02;
  const char *st01;            /* ST01 the open group's GS01 calls for */
  x12kit_position last_pos;    /* of the last segment seen */
  char last_id[4];

  keyset isa13_seen;           /* the whole input */
  keyset gs06_seen;            /* the open interchange */
  keyset st02_seen;            /* the open group */
};

/* ---- small helpers ---------------------------------------------------- */

static x12kit_slice element(const x12kit_segment *seg, size_t n)
{
  return x12kit_segment_element(seg, n);
}

static void bump(unsigned long *n)
{
  if (*n < ULONG_MAX)
    (*n)++;
}

static const char *plural(unsigned long n)
{
  return n == 1 ? "" : "s";
}

/* 1 when every byte of s is printable ASCII (space included). */
static int printable(x12kit_slice s)
{
  size_t i;

  for (i = 0; i < s.len; i++)
    if ((unsigned char)s.ptr[i] < 0x20 || (unsigned char)s.ptr[i] > 0x7e)
      return 0;
  return 1;
}

static int is_isa13(x12kit_slice s)
{
  return s.len == 9 && x12kitp_all_digits(s);
}

static int is_gs06(x12kit_slice s)
{
  return s.len >= 1 && s.len <= 9 && x12kitp_all_digits(s);
}

static int is_st02(x12kit_slice s)
{
  return s.len >= 4 && s.len <= 9 && printable(s);
}

/*
 * Reads an N0 count.  Returns 0 when s is not all digits.  A value too
 * large for unsigned long saturates, which no count reached equals.
 */
static int read_count(x12kit_slice s, unsigned long *out)
{
  unsigned long v = 0;
  size_t i;

  if (!x12kitp_all_digits(s))
    return 0;
  for (i = 0; i < s.len; i++) {
    unsigned long d = (unsigned long)(s.ptr[i] - '0');
    if (v > (ULONG_MAX - d) / 10) {
      v = ULONG_MAX;
      break;
    }
    v = v * 10 + d;
  }
  *out = v;
  return 1;
}

static void ctl_set(ctl *c, x12kit_slice s)
{
  c->len = s.len < CTL_MAX + 1 ? s.len : CTL_MAX + 1;
  if (c->len)
    memcpy(c->s, s.ptr, c->len);
  c->s[c->len] = '\0';
}

static x12kit_slice ctl_slice(const ctl *c)
{
  x12kit_slice s;

  s.ptr = c->s;
  s.len = c->len;
  return s;
}

/* Two over-long values compare on the bytes kept; both are malformed. */
static int ctl_eq(const ctl *c, x12kit_slice s)
{
  size_t n = s.len < CTL_MAX + 1 ? s.len : CTL_MAX + 1;

  return n == c->len && (n == 0 || memcmp(c->s, s.ptr, n) == 0);
}

/*
 * Control data for a message: the value itself when it is at most
 * |max| printable bytes (|size| > max), else a placeholder.
 */
static const char *show(char *buf, size_t size, x12kit_slice s, size_t max)
{
  if (s.len == 0)
    return "(empty)";
  if (s.len > max || !printable(s))
    return "(malformed)";
  x12kitp_copy(buf, size, s);
  return buf;
}

/* 1 when s is one of the space-separated codes in |list|. */
static int is_code(x12kit_slice s, const char *list)
{
  const char *p = list;

  while (*p) {
    size_t n = strcspn(p, " ");
    if (n == s.len && n > 0 && memcmp(p, s.ptr, n) == 0)
      return 1;
    p += n;
    if (*p == ' ')
      p++;
  }
  return 0;
}

static int not_blank(x12kit_slice s, const char *unused)
{
  size_t i;

  (void)unused;
  for (i = 0; i < s.len; i++)
    if (s.ptr[i] != ' ')
      return 1;
  return 0;
}

static int two_digits(const char *p)
{
  return (p[0] - '0') * 10 + (p[1] - '0');
}

/* YYMMDD; a YY divisible by 4 is a leap year (2000 to 2099). */
static int is_yymmdd(x12kit_slice s, const char *unused)
{
  int yy, mm, dd;

  (void)unused;
  if (s.len != 6 || !x12kitp_all_digits(s))
    return 0;
  yy = two_digits(s.ptr);
  mm = two_digits(s.ptr + 2);
  dd = two_digits(s.ptr + 4);
  return dd >= 1 && dd <= (int)x12kitp_days_in_month(2000u + (unsigned)yy, (unsigned)mm);
}

static int is_hhmm(x12kit_slice s, const char *unused)
{
  (void)unused;
  return s.len == 4 && x12kitp_all_digits(s) && two_digits(s.ptr) < 24 &&
         two_digits(s.ptr + 2) < 60;
}

static int is_isa13_rule(x12kit_slice s, const char *unused)
{
  (void)unused;
  return is_isa13(s);
}

/* ---- functional identifiers ------------------------------------------- */

static const struct {
  char gs01[3];
  char st01[4];
} fid_table[] = {
  { "HS", "270" }, { "HB", "271" }, { "HI", "278" }, { "FA", "999" },
  { "HC", "837" }, { "HP", "835" }, { "HR", "276" }, { "HN", "277" },
  { "BE", "834" }, { "RA", "820" }
};

static const char *fid_lookup(x12kit_slice gs01)
{
  size_t i;

  for (i = 0; i < sizeof fid_table / sizeof fid_table[0]; i++)
    if (x12kit_slice_eq(gs01, fid_table[i].gs01))
      return fid_table[i].st01;
  return NULL;
}

const char *x12kit_functional_id_transaction(const char *gs01)
{
  x12kit_slice s;

  if (gs01 == NULL)
    return NULL;
  s.ptr = gs01;
  s.len = strlen(gs01);
  return fid_lookup(s);
}

/* ---- sets of control numbers ------------------------------------------ */

static uint64_t splitmix64(uint64_t *x)
{
  uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/*
 * The salt only has to be unknown to whoever wrote the input, as in
 * expat's hash tables: the handle's address, a stack address and the
 * clock are enough.
 */
static void seed(x12kit_envelope *env)
{
  int local = 0;
  uint64_t x = (uint64_t)(uintptr_t)env ^ ((uint64_t)(uintptr_t)&local << 17) ^
               ((uint64_t)time(NULL) << 32) ^ (uint64_t)clock();

  env->mul = splitmix64(&x) | 1;
  env->add = splitmix64(&x);
}

/*
 * Packs a control number of 1 to 9 printable characters into a
 * non-zero integer, one base-96 digit (1..95) per character: different
 * numbers give different keys, and 96^9 < 2^64.
 */
static uint64_t pack_key(x12kit_slice s)
{
  uint64_t k = 0;
  size_t i;

  for (i = 0; i < s.len; i++)
    k = k * 96 + (uint64_t)((unsigned char)s.ptr[i] - 0x1f);
  return k;
}

static size_t key_slot(const x12kit_envelope *env, const keyset *ks, uint64_t k)
{
  uint64_t h = k * env->mul + env->add;

  h ^= h >> 32;
  h *= UINT64_C(0xd6e8feb86659fd93);
  return (size_t)(h >> (64 - ks->bits));
}

static int keyset_grow(x12kit_envelope *env, keyset *ks)
{
  unsigned bits = ks->cap ? ks->bits + 1 : KEYSET_MIN_BITS;
  size_t cap = (size_t)1 << bits;
  uint64_t *slot = x12kitp_calloc(&env->mem, cap * sizeof *slot);
  keyset old = *ks;
  size_t i;

  if (slot == NULL)
    return env->status = X12KIT_ERR_NOMEM;
  ks->slot = slot;
  ks->cap = cap;
  ks->bits = bits;
  for (i = 0; i < old.cap; i++) {
    if (old.slot[i]) {
      size_t j = key_slot(env, ks, old.slot[i]);
      while (slot[j])
        j = (j + 1) & (cap - 1);
      slot[j] = old.slot[i];
    }
  }
  x12kitp_free(&env->mem, old.slot);
  return X12KIT_OK;
}

static size_t decimal_digits(uint64_t v)
{
  size_t n = 1;

  while (v >= 10) {
    v /= 10;
    n++;
  }
  return n;
}

static size_t max_size(size_t a, size_t b)
{
  return a > b ? a : b;
}

/*
 * Adds a control number (see pack_key for what it may be).  Returns 1
 * when it was there already, 0 when it was not, X12KIT_ERR_NOMEM.
 */
static int keyset_add(x12kit_envelope *env, keyset *ks, x12kit_slice s)
{
  uint64_t k = pack_key(s), v = 0;
  size_t i;
  int digits = x12kitp_all_digits(s), in_run = 0;

  if (digits) {
    for (i = 0; i < s.len; i++)
      v = v * 10 + (uint64_t)(s.ptr[i] - '0');
    /* the run writes v with run_width digits, or more when v needs them */
    in_run = ks->run_width && s.len == max_size(ks->run_width, decimal_digits(v));
    if (in_run && v >= ks->run_lo && v <= ks->run_hi)
      return 1;
  }
  if (ks->cap) {
    for (i = key_slot(env, ks, k); ks->slot[i]; i = (i + 1) & (ks->cap - 1))
      if (ks->slot[i] == k)
        return 1;
  }
  if (digits && ks->run_width == 0) {
    ks->run_width = s.len;
    ks->run_lo = ks->run_hi = v;
    return 0;
  }
  if (in_run && v == ks->run_hi + 1) {
    ks->run_hi = v;
    return 0;
  }
  if (ks->n < KEYSET_MAX_KEYS && 2 * (ks->n + 1) > ks->cap) {
    int rc = keyset_grow(env, ks);
    if (rc)
      return rc;
  }
  for (i = key_slot(env, ks, k); ks->slot[i]; i = (i + 1) & (ks->cap - 1))
    if (ks->slot[i] == k)
      return 1;
  if (ks->n < KEYSET_MAX_KEYS) {
    ks->slot[i] = k;
    ks->n++;
  }
  return 0;
}

static void keyset_free(x12kit_envelope *env, keyset *ks)
{
  x12kitp_free(&env->mem, ks->slot);
  memset(ks, 0, sizeof *ks);
}

static void keyset_clear(x12kit_envelope *env, keyset *ks)
{
  ks->run_width = 0;
  if (ks->cap > KEYSET_KEEP_SLOTS)
    keyset_free(env, ks);
  else if (ks->n) {
    memset(ks->slot, 0, ks->cap * sizeof *ks->slot);
    ks->n = 0;
  }
}

/* ---- reporting ------------------------------------------------------- */

static int fault(x12kit_envelope *env, const x12kit_position *pos, const char *seg_id,
                 unsigned elem, x12kit_ack_kind kind, const char *code,
                 const x12kit_slice *value, const char *fmt, ...) X12KITP_PRINTF(8, 9);

static int fault(x12kit_envelope *env, const x12kit_position *pos, const char *seg_id,
                 unsigned elem, x12kit_ack_kind kind, const char *code,
                 const x12kit_slice *value, const char *fmt, ...)
{
  x12kit_error err;
  va_list ap;

  va_start(ap, fmt);
  x12kitp_error_vset(&err, X12KIT_ERR_ENVELOPE, kind, code, fmt, ap);
  va_end(ap);
  err.pos = *pos;
  snprintf(err.segment_id, sizeof err.segment_id, "%s", seg_id);
  err.element = elem;
  if (env->show_data && value)
    x12kitp_error_value(&err, *value);
  bump(&env->errors);
  if (env->on_error && env->on_error(env->user_data, &err))
    return env->status = X12KIT_ERR_ABORTED;
  return X12KIT_OK;
}

static int event(x12kit_envelope *env, x12kit_envelope_event ev, const void *info,
                 const x12kit_position *pos)
{
  if (env->on_event && env->on_event(env->user_data, ev, info, pos))
    return env->status = X12KIT_ERR_ABORTED;
  return X12KIT_OK;
}

/* "transaction 0001", or "transaction at segment 3" when ST02 is malformed. */
static void unit_name(char *buf, size_t size, const char *unit, const ctl *c, int ok,
                      unsigned long seg)
{
  if (ok)
    snprintf(buf, size, "%s %s", unit, c->s);
  else
    snprintf(buf, size, "%s at segment %lu", unit, seg);
}

/* ---- closing units ------------------------------------------------------ */

/* |why| is NULL when the unit's own trailer closes it. */
static int end_transaction(x12kit_envelope *env, const x12kit_position *pos, const char *id,
                           const char *why)
{
  char name[64];
  int rc;

  env->in_st = 0;
  if (why) {
    unit_name(name, sizeof name, "transaction", &env->st02, is_st02(ctl_slice(&env->st02)),
              env->st_seg);
    rc = fault(env, pos, id, 0, X12KIT_ACK_TRANSACTION, "2", NULL,
               "%s has no SE trailer (%s)", name, why);
    if (rc)
      return rc;
  }
  return event(env, X12KIT_TRANSACTION_END, &env->st, pos);
}

static int end_group(x12kit_envelope *env, const x12kit_position *pos, const char *id,
                     const char *why)
{
  char name[64];
  int rc;

  env->in_gs = 0;
  if (why) {
    unit_name(name, sizeof name, "group", &env->gs06, is_gs06(ctl_slice(&env->gs06)),
              env->gs_seg);
    rc = fault(env, pos, id, 0, X12KIT_ACK_GROUP, "3", NULL, "%s has no GE trailer (%s)",
               name, why);
    if (rc)
      return rc;
  }
  return event(env, X12KIT_GROUP_END, &env->gs, pos);
}

static int end_interchange(x12kit_envelope *env, const x12kit_position *pos, const char *id,
                           const char *why)
{
  char name[64];
  int rc;

  env->in_isa = 0;
  if (why) {
    unit_name(name, sizeof name, "interchange", &env->isa13, is_isa13(ctl_slice(&env->isa13)),
              env->isa_seg);
    rc = fault(env, pos, id, 0, X12KIT_ACK_TA1, "023", NULL, "%s has no IEA trailer (%s)",
               name, why);
    if (rc)
      return rc;
  }
  return event(env, X12KIT_INTERCHANGE_END, &env->isa, pos);
}

enum { UPTO_TRANSACTION, UPTO_GROUP, UPTO_INTERCHANGE };

/* Closes what is open, innermost first, up to |upto|, each a missing trailer. */
static int close_open(x12kit_envelope *env, const x12kit_position *pos, const char *id,
                      int upto, const char *why)
{
  int rc = X12KIT_OK;

  if (env->in_st)
    rc = end_transaction(env, pos, id, why);
  if (rc == X12KIT_OK && upto >= UPTO_GROUP && env->in_gs)
    rc = end_group(env, pos, id, why);
  if (rc == X12KIT_OK && upto >= UPTO_INTERCHANGE && env->in_isa)
    rc = end_interchange(env, pos, id, why);
  return rc;
}

/* ---- segments ------------------------------------------------------------ */

/* A segment where the envelope allows none (TA1 024). */
static int stray(x12kit_envelope *env, const x12kit_segment *seg)
{
  const x12kit_position *pos = x12kit_segment_position(seg);
  const char *id = x12kit_segment_id(seg);
  const char *where;

  if (strcmp(id, "SE") == 0 || strcmp(id, "GE") == 0 || strcmp(id, "IEA") == 0)
    return fault(env, pos, id, 0, X12KIT_ACK_TA1, "024", NULL,
                 "%s trailer without a matching %s header", id,
                 id[0] == 'S' ? "ST" : id[0] == 'G' ? "GS" : "ISA");
  if (!env->in_isa)
    where = "is outside an interchange (ISA..IEA)";
  else if (env->in_gs)
    where = "is outside a transaction set (ST..SE)";
  else if (env->isa.groups == 0)
    where = "is not allowed between ISA and the first GS";
  else
    where = "is not allowed between GE and the next GS or IEA";
  return fault(env, pos, id, 0, X12KIT_ACK_TA1, "024", NULL, "%s segment %s", id, where);
}

static int data_segment(x12kit_envelope *env, const x12kit_segment *seg)
{
  if (env->in_st) {
    bump(&env->st.segments);
    return X12KIT_OK;
  }
  return stray(env, seg);
}

static const char sender_codes[] = "01 14 20 27 28 29 30 33 ZZ";

static const struct isa_rule {
  unsigned char elem;
  char code[4];
  int (*ok)(x12kit_slice s, const char *arg);
  const char *arg;
  const char *text;
} isa_rules[] = {
  { 1, "010", is_code, "00 03", "ISA01 authorization information qualifier must be 00 or 03" },
  { 3, "012", is_code, "00 01", "ISA03 security information qualifier must be 00 or 01" },
  { 5, "005", is_code, sender_codes,
    "ISA05 sender ID qualifier must be one of 01, 14, 20, 27, 28, 29, 30, 33, ZZ" },
  { 6, "006", not_blank, NULL, "ISA06 sender ID is blank" },
  { 7, "007", is_code, sender_codes,
    "ISA07 receiver ID qualifier must be one of 01, 14, 20, 27, 28, 29, 30, 33, ZZ" },
  { 8, "008", not_blank, NULL, "ISA08 receiver ID is blank" },
  { 9, "014", is_yymmdd, NULL, "ISA09 interchange date is not a valid YYMMDD date" },
  { 10, "015", is_hhmm, NULL, "ISA10 interchange time is not a valid HHMM time" },
  { 13, "018", is_isa13_rule, NULL, "ISA13 interchange control number must be 9 digits" },
  { 14, "019", is_code, "0 1", "ISA14 acknowledgment requested must be 0 or 1" },
  { 15, "020", is_code, "P T", "ISA15 usage indicator must be P (production) or T (test)" }
};

static void copy_trimmed(char *dst, size_t size, x12kit_slice s)
{
  while (s.len && s.ptr[s.len - 1] == ' ')
    s.len--;
  x12kitp_copy(dst, size, s);
}

static char first_byte(x12kit_slice s)
{
  return s.len ? s.ptr[0] : '\0';
}

static int on_isa(x12kit_envelope *env, const x12kit_segment *seg)
{
  const x12kit_position *pos = x12kit_segment_position(seg);
  x12kit_interchange_info *in = &env->isa;
  x12kit_slice s;
  size_t i;
  int rc;

  rc = close_open(env, pos, "ISA", UPTO_INTERCHANGE, "a new interchange began at ISA");
  if (rc)
    return rc;

  memset(in, 0, sizeof *in);
  x12kitp_copy(in->auth_qualifier, sizeof in->auth_qualifier, element(seg, 1));
  x12kitp_copy(in->security_qualifier, sizeof in->security_qualifier, element(seg, 3));
  x12kitp_copy(in->sender_qualifier, sizeof in->sender_qualifier, element(seg, 5));
  copy_trimmed(in->sender_id, sizeof in->sender_id, element(seg, 6));
  x12kitp_copy(in->receiver_qualifier, sizeof in->receiver_qualifier, element(seg, 7));
  copy_trimmed(in->receiver_id, sizeof in->receiver_id, element(seg, 8));
  x12kitp_copy(in->date, sizeof in->date, element(seg, 9));
  x12kitp_copy(in->time, sizeof in->time, element(seg, 10));
  x12kitp_copy(in->version, sizeof in->version, element(seg, 12));
  x12kitp_copy(in->control, sizeof in->control, element(seg, 13));
  in->ack_requested = first_byte(element(seg, 14));
  in->usage = first_byte(element(seg, 15));
  in->delimiters = *x12kit_segment_delimiters(seg);
  ctl_set(&env->isa13, element(seg, 13));
  env->isa_seg = pos->segment;
  env->in_isa = 1;
  keyset_clear(env, &env->gs06_seen);

  rc = event(env, X12KIT_INTERCHANGE_BEGIN, in, pos);
  for (i = 0; rc == X12KIT_OK && i < sizeof isa_rules / sizeof isa_rules[0]; i++) {
    const struct isa_rule *r = &isa_rules[i];
    s = element(seg, r->elem);
    if (!r->ok(s, r->arg))
      rc = fault(env, pos, "ISA", r->elem, X12KIT_ACK_TA1, r->code, &s, "%s", r->text);
  }
  s = element(seg, 13);
  if (rc == X12KIT_OK && is_isa13(s)) {
    rc = keyset_add(env, &env->isa13_seen, s);
    if (rc == 1)
      rc = fault(env, pos, "ISA", 13, X12KIT_ACK_TA1, "025", &s,
                 "interchange control number %s was already used earlier in this input",
                 env->isa13.s);
  }
  return rc;
}

static int on_ta1(x12kit_envelope *env, const x12kit_segment *seg)
{
  if (env->in_isa && !env->in_gs && !env->in_st && env->isa.groups == 0) {
    bump(&env->isa.ta1_count);
    return X12KIT_OK;
  }
  return data_segment(env, seg);
}

/*
 * Checks a trailer's count (element 1) against |actual|:
 * "SE01 says 13 segments, the transaction has 12".
 */
static int check_count(x12kit_envelope *env, const x12kit_segment *seg, x12kit_ack_kind kind,
                       const char *code, const char *noun, const char *unit,
                       unsigned long actual)
{
  const x12kit_position *pos = x12kit_segment_position(seg);
  const char *id = x12kit_segment_id(seg);
  x12kit_slice s = element(seg, 1);
  unsigned long said;

  if (!read_count(s, &said))
    return fault(env, pos, id, 1, kind, code, &s,
                 "%s01 %s count is not a number; the %s has %lu %s%s", id, noun, unit,
                 actual, noun, plural(actual));
  if (said != actual)
    return fault(env, pos, id, 1, kind, code, &s, "%s01 says %.*s%s %s%s, the %s has %lu",
                 id, (int)(s.len < 20 ? s.len : 20), s.ptr, s.len > 20 ? "..." : "", noun,
                 plural(said), unit, actual);
  return X12KIT_OK;
}

static int on_iea(x12kit_envelope *env, const x12kit_segment *seg)
{
  const x12kit_position *pos = x12kit_segment_position(seg);
  x12kit_slice s = element(seg, 2);
  char a[16], b[16];
  int rc;

  if (!env->in_isa)
    return stray(env, seg);
  rc = close_open(env, pos, "IEA", UPTO_GROUP, "the interchange ended at IEA");
  if (rc == X12KIT_OK)
    rc = check_count(env, seg, X12KIT_ACK_TA1, "021", "group", "interchange", env->isa.groups);
  if (rc == X12KIT_OK && !ctl_eq(&env->isa13, s))
    rc = fault(env, pos, "IEA", 2, X12KIT_ACK_TA1, "001", &s,
               "IEA02 control number %s does not match ISA13 %s", show(a, sizeof a, s, 9),
               show(b, sizeof b, ctl_slice(&env->isa13), 9));
  if (rc)
    return rc;
  return end_interchange(env, pos, "IEA", NULL);
}

static int on_gs(x12kit_envelope *env, const x12kit_segment *seg)
{
  const x12kit_position *pos = x12kit_segment_position(seg);
  x12kit_group_info *g = &env->gs;
  x12kit_slice s;
  char a[8];
  int rc;

  if (!env->in_isa)
    return stray(env, seg);
  rc = close_open(env, pos, "GS", UPTO_GROUP, "a new group began at GS");
  if (rc)
    return rc;

  memset(g, 0, sizeof *g);
  x12kitp_copy(g->functional_id, sizeof g->functional_id, element(seg, 1));
  x12kitp_copy(g->sender, sizeof g->sender, element(seg, 2));
  x12kitp_copy(g->receiver, sizeof g->receiver, element(seg, 3));
  x12kitp_copy(g->date, sizeof g->date, element(seg, 4));
  x12kitp_copy(g->time, sizeof g->time, element(seg, 5));
  x12kitp_copy(g->control, sizeof g->control, element(seg, 6));
  x12kitp_copy(g->agency, sizeof g->agency, element(seg, 7));
  x12kitp_copy(g->version, sizeof g->version, element(seg, 8));
  ctl_set(&env->gs06, element(seg, 6));
  ctl_set(&env->gs08, element(seg, 8));
  env->st01 = fid_lookup(element(seg, 1));
  env->gs_seg = pos->segment;
  env->in_gs = 1;
  bump(&env->isa.groups);
  keyset_clear(env, &env->st02_seen);

  rc = event(env, X12KIT_GROUP_BEGIN, g, pos);
  s = element(seg, 1);
  if (rc == X12KIT_OK && env->st01 == NULL)
    rc = fault(env, pos, "GS", 1, X12KIT_ACK_GROUP, "1", &s,
               "GS01 functional identifier %s is not supported", show(a, sizeof a, s, 2));
  s = element(seg, 6);
  if (rc == X12KIT_OK && !is_gs06(s))
    rc = fault(env, pos, "GS", 6, X12KIT_ACK_GROUP, "6", &s,
               "GS06 group control number must be 1 to 9 digits");
  else if (rc == X12KIT_OK) {
    rc = keyset_add(env, &env->gs06_seen, s);
    if (rc == 1)
      rc = fault(env, pos, "GS", 6, X12KIT_ACK_GROUP, "19", &s,
                 "group control number %s is used twice in this interchange", env->gs06.s);
  }
  return rc;
}

static int on_ge(x12kit_envelope *env, const x12kit_segment *seg)
{
  const x12kit_position *pos = x12kit_segment_position(seg);
  x12kit_slice s = element(seg, 2);
  char a[16], b[16];
  int rc;

  if (!env->in_isa)
    return stray(env, seg);
  rc = close_open(env, pos, "GE", UPTO_TRANSACTION,
                  env->in_gs ? "the group ended at GE" : "a GE came first");
  if (rc)
    return rc;
  if (!env->in_gs)
    return stray(env, seg);
  rc = check_count(env, seg, X12KIT_ACK_GROUP, "5", "transaction", "group",
                   env->gs.transactions);
  if (rc == X12KIT_OK && !ctl_eq(&env->gs06, s))
    rc = fault(env, pos, "GE", 2, X12KIT_ACK_GROUP, "4", &s,
               "GE02 control number %s does not match GS06 %s", show(a, sizeof a, s, 9),
               show(b, sizeof b, ctl_slice(&env->gs06), 9));
  if (rc)
    return rc;
  return end_group(env, pos, "GE", NULL);
}

static int on_st(x12kit_envelope *env, const x12kit_segment *seg)
{
  const x12kit_position *pos = x12kit_segment_position(seg);
  x12kit_transaction_info *t = &env->st;
  x12kit_slice s;
  char a[40], b[40], name[48];
  int rc;

  if (!env->in_isa)
    return stray(env, seg);
  rc = close_open(env, pos, "ST", UPTO_TRANSACTION, "a new transaction began at ST");
  if (rc)
    return rc;

  memset(t, 0, sizeof *t);
  x12kitp_copy(t->id, sizeof t->id, element(seg, 1));
  x12kitp_copy(t->control, sizeof t->control, element(seg, 2));
  x12kitp_copy(t->version, sizeof t->version, element(seg, 3));
  t->segments = 1;
  ctl_set(&env->st02, element(seg, 2));
  env->st_seg = pos->segment;
  env->in_st = 1;
  if (env->in_gs)
    bump(&env->gs.transactions);

  rc = event(env, X12KIT_TRANSACTION_BEGIN, t, pos);
  if (rc == X12KIT_OK && !env->in_gs) {
    unit_name(name, sizeof name, "transaction", &env->st02, is_st02(ctl_slice(&env->st02)),
              env->st_seg);
    rc = fault(env, pos, "ST", 0, X12KIT_ACK_TRANSACTION, "18", NULL,
               "%s is not inside a functional group (GS..GE)", name);
  }
  s = element(seg, 1);
  if (rc == X12KIT_OK && env->in_gs && env->st01 && !x12kit_slice_eq(s, env->st01))
    rc = fault(env, pos, "ST", 1, X12KIT_ACK_TRANSACTION, "6", &s,
               "ST01 transaction set %s does not belong in a GS01 %s group (expected %s)",
               show(a, sizeof a, s, 3), env->gs.functional_id, env->st01);
  s = element(seg, 2);
  if (rc == X12KIT_OK && !is_st02(s))
    rc = fault(env, pos, "ST", 2, X12KIT_ACK_TRANSACTION, "7", &s,
               "ST02 transaction set control number must be 4 to 9 printable characters");
  else if (rc == X12KIT_OK && env->in_gs) {
    rc = keyset_add(env, &env->st02_seen, s);
    if (rc == 1)
      rc = fault(env, pos, "ST", 2, X12KIT_ACK_TRANSACTION, "23", &s,
                 "transaction control number %s is used twice in this group", env->st02.s);
  }
  s = element(seg, 3);
  if (rc == X12KIT_OK && env->in_gs && !ctl_eq(&env->gs08, s))
    rc = fault(env, pos, "ST", 3, X12KIT_ACK_TRANSACTION, "19", &s,
               "ST03 version %s does not match GS08 %s", show(a, sizeof a, s, CTL_MAX),
               show(b, sizeof b, ctl_slice(&env->gs08), CTL_MAX));
  return rc;
}

static int on_se(x12kit_envelope *env, const x12kit_segment *seg)
{
  const x12kit_position *pos = x12kit_segment_position(seg);
  x12kit_slice s = element(seg, 2);
  char a[16], b[16];
  int rc;

  if (!env->in_st)
    return stray(env, seg);
  bump(&env->st.segments);
  rc = check_count(env, seg, X12KIT_ACK_TRANSACTION, "4", "segment", "transaction",
                   env->st.segments);
  if (rc == X12KIT_OK && !ctl_eq(&env->st02, s))
    rc = fault(env, pos, "SE", 2, X12KIT_ACK_TRANSACTION, "3", &s,
               "SE02 control number %s does not match ST02 %s", show(a, sizeof a, s, 9),
               show(b, sizeof b, ctl_slice(&env->st02), 9));
  if (rc)
    return rc;
  return end_transaction(env, pos, "SE", NULL);
}

/* ---- public API ------------------------------------------------------- */

int x12kit_envelope_new(x12kit_envelope **out, const x12kit_mem *mem)
{
  x12kit_envelope *env;
  x12kit_mem m;

  if (out == NULL)
    return X12KIT_ERR_ARG;
  *out = NULL;
  x12kitp_mem_init(&m, mem);
  env = x12kitp_calloc(&m, sizeof *env);
  if (env == NULL)
    return X12KIT_ERR_NOMEM;
  env->mem = m;
  seed(env);
  *out = env;
  return X12KIT_OK;
}

void x12kit_envelope_free(x12kit_envelope *env)
{
  x12kit_mem m;

  if (env == NULL)
    return;
  keyset_free(env, &env->isa13_seen);
  keyset_free(env, &env->gs06_seen);
  keyset_free(env, &env->st02_seen);
  m = env->mem;
  x12kitp_free(&m, env);
}

void x12kit_envelope_reset(x12kit_envelope *env)
{
  x12kit_envelope keep;

  if (env == NULL)
    return;
  keyset_free(env, &env->isa13_seen);
  keyset_free(env, &env->gs06_seen);
  keyset_free(env, &env->st02_seen);
  keep = *env;
  memset(env, 0, sizeof *env);
  env->mem = keep.mem;
  env->on_event = keep.on_event;
  env->on_error = keep.on_error;
  env->user_data = keep.user_data;
  env->show_data = keep.show_data;
  env->mul = keep.mul;
  env->add = keep.add;
}

void x12kit_envelope_set_callbacks(x12kit_envelope *env, x12kit_envelope_event_cb on_event,
                                   x12kit_error_cb on_error, void *user_data)
{
  if (env == NULL)
    return;
  env->on_event = on_event;
  env->on_error = on_error;
  env->user_data = user_data;
}

void x12kit_envelope_set_show_data(x12kit_envelope *env, int show_data)
{
  if (env)
    env->show_data = show_data != 0;
}

int x12kit_envelope_segment(x12kit_envelope *env, const x12kit_segment *seg)
{
  const char *id;

  if (env == NULL || seg == NULL)
    return X12KIT_ERR_ARG;
  if (env->status)
    return env->status;
  id = x12kit_segment_id(seg);
  env->last_pos = *x12kit_segment_position(seg);
  memcpy(env->last_id, id, sizeof env->last_id); /* IDs are NUL-padded to 4 bytes */

  /* envelope IDs start with I, G, S or T; anything else is data */
  switch (id[0]) {
  case 'I':
    if (id[1] == 'S' && id[2] == 'A' && id[3] == '\0')
      return on_isa(env, seg);
    if (id[1] == 'E' && id[2] == 'A' && id[3] == '\0')
      return on_iea(env, seg);
    break;
  case 'G':
    if (id[1] == 'S' && id[2] == '\0')
      return on_gs(env, seg);
    if (id[1] == 'E' && id[2] == '\0')
      return on_ge(env, seg);
    break;
  case 'S':
    if (id[1] == 'T' && id[2] == '\0')
      return on_st(env, seg);
    if (id[1] == 'E' && id[2] == '\0')
      return on_se(env, seg);
    break;
  case 'T':
    if (id[1] == 'A' && id[2] == '1' && id[3] == '\0')
      return on_ta1(env, seg);
    break;
  default:
    break;
  }
  return data_segment(env, seg);
}

int x12kit_envelope_finish(x12kit_envelope *env)
{
  if (env == NULL)
    return X12KIT_ERR_ARG;
  if (env->status)
    return env->status;
  return close_open(env, &env->last_pos, env->last_id, UPTO_INTERCHANGE, "the input ended");
}

unsigned long x12kit_envelope_error_count(const x12kit_envelope *env)
{
  return env ? env->errors : 0;
}
