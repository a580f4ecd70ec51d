/*
 * x12kit - loading implementation-guide maps.
 *
 * Every *.xml file of the directory is parsed with libxml2 (no network,
 * no DTD, no entity expansion), checked against x12kit.xsd from the
 * same directory, and compiled into the structures of guide.h, all in
 * one arena.  Code lists are read first, so that guides can refer to
 * them by ID; anything the XSD cannot express (duplicate positions, a
 * code list that does not exist, min above max, two guides nothing
 * tells apart) is checked here.  Any fault stops the load with the file,
 * the line and the reason.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "guide.h"

#ifndef X12KIT_SCHEMA_DIR
#define X12KIT_SCHEMA_DIR "/usr/local/share/x12kit/schemas"
#endif

#define MAX_FILES 256
#define MAX_POS 99

/* ---- arena ---- */

typedef struct block {
  struct block *next;
  size_t used, size;
  max_align_t data[];
} block;

struct x12kit_schema {
  x12kit_mem mem;
  block *blocks;
  size_t nguides;
  const x12kit_guide **guides;
  size_t nlists;
  const x12kitp_codelist **lists;     /* sorted by id */
  size_t ncontrol;
  const x12kitp_segdef **control;
  size_t nsegids;
  char (*segids)[4];                  /* sorted */
};

static void *arena_alloc(x12kit_schema *s, size_t n)
{
  block *b = s->blocks;
  size_t align = sizeof(max_align_t);

  n = (n + align - 1) / align * align;
  if (n == 0)
    n = align;
  if (b == NULL || b->size - b->used < n) {
    size_t size = n > 65536 ? n : 65536;
    b = x12kitp_malloc(&s->mem, sizeof *b + size);
    if (b == NULL)
      return NULL;
    b->next = s->blocks;
    b->used = 0;
    b->size = size;
    s->blocks = b;
  }
  b->used += n;
  return memset((char *)b->data + b->used - n, 0, n);
}

/* ---- loading state ---- */

typedef struct loader {
  x12kit_schema *s;
  x12kit_error *err;
  const char *file;                   /* file name for messages */
  int status;
  /* growable lists while loading */
  size_t nguides, capguides;
  const x12kit_guide **guides;
  size_t nlists, caplists;
  const x12kitp_codelist **lists;
  size_t ncontrol, capcontrol;
  const x12kitp_segdef **control;
} loader;

static int lfail(loader *L, long line, const char *fmt, ...) X12KITP_PRINTF(3, 4);

static int lfail(loader *L, long line, const char *fmt, ...)
{
  char msg[X12KIT_ERROR_TEXT_SIZE];
  va_list ap;

  if (L->status)
    return L->status;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  L->status = X12KIT_ERR_SCHEMA;
  if (L->err) {
    if (line > 0)
      x12kitp_error_set(L->err, X12KIT_ERR_SCHEMA, X12KIT_ACK_NONE, NULL, "%s:%ld: %s",
                        L->file ? L->file : "?", line, msg);
    else
      x12kitp_error_set(L->err, X12KIT_ERR_SCHEMA, X12KIT_ACK_NONE, NULL, "%s: %s",
                        L->file ? L->file : "?", msg);
  }
  return L->status;
}

static int lnomem(loader *L)
{
  if (!L->status) {
    L->status = X12KIT_ERR_NOMEM;
    if (L->err)
      x12kitp_error_set(L->err, X12KIT_ERR_NOMEM, X12KIT_ACK_NONE, NULL,
                        "out of memory while loading the maps");
  }
  return L->status;
}

static const char *dup_str(loader *L, const char *v)
{
  size_t n = v ? strlen(v) : 0;
  char *p = arena_alloc(L->s, n + 1);

  if (p == NULL) {
    lnomem(L);
    return NULL;
  }
  if (n)
    memcpy(p, v, n);
  p[n] = '\0';
  return p;
}

static int push_ptr(loader *L, const void ***arr, size_t *n, size_t *cap, const void *p)
{
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 16;
    const void **q = x12kitp_realloc(&L->s->mem, (void *)*arr, c * sizeof *q);
    if (q == NULL)
      return lnomem(L);
    *arr = q;
    *cap = c;
  }
  (*arr)[(*n)++] = p;
  return X12KIT_OK;
}

/* An attribute as a string owned by the arena; "" when absent. */
static const char *attr(loader *L, xmlNodePtr n, const char *name)
{
  xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
  const char *r = dup_str(L, v ? (const char *)v : "");
  xmlFree(v);
  return r;
}

/* An attribute copied into a fixed buffer. */
static void attr_buf(xmlNodePtr n, const char *name, char *buf, size_t size)
{
  xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
  snprintf(buf, size, "%s", v ? (const char *)v : "");
  xmlFree(v);
}

static unsigned attr_uint(xmlNodePtr n, const char *name, unsigned dflt)
{
  char buf[32];
  unsigned long v;
  char *end;

  attr_buf(n, name, buf, sizeof buf);
  if (buf[0] == '\0')
    return dflt;
  if (strcmp(buf, "unbounded") == 0)
    return X12KITP_UNBOUNDED;
  errno = 0;
  v = strtoul(buf, &end, 10);
  if (errno || *end || v > 1000000u)
    return dflt;
  return (unsigned)v;
}

static int is_elem(xmlNodePtr n, const char *name)
{
  return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Inline codes sort by length, then bytes, the order code_cmp searches in. */
static int cmp_str(const void *a, const void *b)
{
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  size_t m = strlen(x), n = strlen(y);

  if (m != n)
    return m < n ? -1 : 1;
  return strcmp(x, y);
}

static int cmp_code(const void *a, const void *b)
{
  return strcmp(((const x12kitp_code *)a)->value, ((const x12kitp_code *)b)->value);
}

static int cmp_list(const void *a, const void *b)
{
  return strcmp((*(const x12kitp_codelist *const *)a)->id,
                (*(const x12kitp_codelist *const *)b)->id);
}

static int cmp_segid(const void *a, const void *b)
{
  return strcmp((const char *)a, (const char *)b);
}

/* ---- code lists ---- */

uint64_t x12kitp_code_key(const char *p, size_t n)
{
  uint64_t k = 0;
  size_t i;

  if (n == 0 || n > 7)
    return 0;
  for (i = 0; i < n; i++)
    k = (k << 8) | (unsigned char)p[i];
  return (k << 8) | n;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Packed, sorted keys of |n| codes, or NULL when one does not pack. */
static const uint64_t *make_keys(loader *L, const char *const *values, size_t stride, size_t n)
{
  uint64_t *keys;
  size_t i;

  if (n == 0)
    return NULL;
  for (i = 0; i < n; i++) {
    const char *v = *(const char *const *)(const void *)((const char *)values + i * stride);
    if (x12kitp_code_key(v, strlen(v)) == 0)
      return NULL;
  }
  keys = arena_alloc(L->s, n * sizeof *keys);
  if (keys == NULL) {
    lnomem(L);
    return NULL;
  }
  for (i = 0; i < n; i++) {
    const char *v = *(const char *const *)(const void *)((const char *)values + i * stride);
    keys[i] = x12kitp_code_key(v, strlen(v));
  }
  qsort(keys, n, sizeof *keys, cmp_u64);
  return keys;
}

static int has_key(const uint64_t *keys, size_t n, uint64_t k)
{
  size_t lo = 0, hi = n;

  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (keys[mid] == k)
      return 1;
    if (keys[mid] < k)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

static int load_codes(loader *L, xmlNodePtr root)
{
  xmlNodePtr cl, c;

  for (cl = root->children; cl && !L->status; cl = cl->next) {
    x12kitp_codelist *list;
    x12kitp_code *codes;
    size_t n = 0, i;

    if (!is_elem(cl, "codelist"))
      continue;
    for (c = cl->children; c; c = c->next)
      if (is_elem(c, "code"))
        n++;
    list = arena_alloc(L->s, sizeof *list);
    codes = arena_alloc(L->s, (n ? n : 1) * sizeof *codes);
    if (list == NULL || codes == NULL)
      return lnomem(L);
    list->id = attr(L, cl, "id");
    list->name = attr(L, cl, "name");
    for (i = 0, c = cl->children; c; c = c->next) {
      if (!is_elem(c, "code"))
        continue;
      codes[i].value = attr(L, c, "value");
      codes[i].desc = attr(L, c, "desc");
      i++;
    }
    if (L->status)
      return L->status;
    qsort(codes, n, sizeof *codes, cmp_code);
    for (i = 1; i < n; i++)
      if (strcmp(codes[i - 1].value, codes[i].value) == 0)
        return lfail(L, cl->line, "code list %s lists the code \"%s\" twice", list->id,
                     codes[i].value);
    list->codes = codes;
    list->n = n;
    list->keys = make_keys(L, &codes[0].value, sizeof *codes, n);
    if (L->status)
      return L->status;
    for (i = 0; i < L->nlists; i++)
      if (strcmp(L->lists[i]->id, list->id) == 0)
        return lfail(L, cl->line, "code list %s is defined in two files", list->id);
    if (push_ptr(L, (const void ***)&L->lists, &L->nlists, &L->caplists, list))
      return L->status;
  }
  return L->status;
}

static const x12kitp_codelist *find_list(const x12kitp_codelist *const *lists, size_t n,
                                         const char *id)
{
  size_t lo = 0, hi = n;

  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(lists[mid]->id, id);
    if (c == 0)
      return lists[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

/* ---- elements and segments ---- */

static int load_simple(loader *L, xmlNodePtr n, x12kitp_elem *e)
{
  xmlNodePtr c;
  const char **codes;
  char buf[32];
  size_t k = 0;

  e->pos = attr_uint(n, "pos", 0);
  e->ref_text = attr(L, n, "ref");
  e->name = attr(L, n, "name");
  attr_buf(n, "usage", buf, sizeof buf);
  e->usage = buf[0];
  attr_buf(n, "type", e->type, sizeof e->type);
  e->min = attr_uint(n, "min", 1);
  e->max = attr_uint(n, "max", 1);
  e->repeat = attr_uint(n, "repeat", 1);
  attr_buf(n, "match", buf, sizeof buf);
  e->match = strcmp(buf, "true") == 0 || strcmp(buf, "1") == 0;
  if (L->status)
    return L->status;
  e->ref = (unsigned)strtoul(e->ref_text, NULL, 10);
  if (e->pos == 0 || e->pos > MAX_POS)
    return lfail(L, n->line, "%s: position out of range", e->name);
  if (e->min > e->max)
    return lfail(L, n->line, "%s: min length %u is above max length %u", e->name, e->min, e->max);
  attr_buf(n, "codes", buf, sizeof buf);
  if (buf[0]) {
    e->list = find_list(L->lists, L->nlists, buf);
    if (e->list == NULL)
      return lfail(L, n->line, "%s refers to code list %s, which no codes file defines",
                   e->name, buf);
  }
  for (c = n->children; c; c = c->next)
    if (is_elem(c, "code"))
      e->ncodes++;
  if (e->ncodes) {
    codes = arena_alloc(L->s, e->ncodes * sizeof *codes);
    if (codes == NULL)
      return lnomem(L);
    for (c = n->children; c; c = c->next)
      if (is_elem(c, "code"))
        codes[k++] = attr(L, c, "value");
    if (L->status)
      return L->status;
    qsort(codes, k, sizeof *codes, cmp_str);
    e->codes = codes;
    e->keys = make_keys(L, codes, sizeof *codes, k);
    if (L->status)
      return L->status;
  }
  if (e->match && e->ncodes == 0 && e->list == NULL)
    return lfail(L, n->line, "%s is a match element without codes", e->name);
  return X12KIT_OK;
}

static int cmp_elem(const void *a, const void *b)
{
  unsigned x = ((const x12kitp_elem *)a)->pos, y = ((const x12kitp_elem *)b)->pos;
  return x < y ? -1 : x > y;
}

static int load_composite(loader *L, xmlNodePtr n, x12kitp_elem *e)
{
  xmlNodePtr c;
  x12kitp_elem *comps;
  char buf[8];
  size_t k = 0, i;

  e->pos = attr_uint(n, "pos", 0);
  e->ref_text = attr(L, n, "ref");
  e->name = attr(L, n, "name");
  attr_buf(n, "usage", buf, sizeof buf);
  e->usage = buf[0];
  e->repeat = attr_uint(n, "repeat", 1);
  if (L->status)
    return L->status;
  if (e->pos == 0 || e->pos > MAX_POS)
    return lfail(L, n->line, "%s: position out of range", e->name);
  for (c = n->children; c; c = c->next)
    if (is_elem(c, "component"))
      e->ncomp++;
  comps = arena_alloc(L->s, (e->ncomp ? e->ncomp : 1) * sizeof *comps);
  if (comps == NULL)
    return lnomem(L);
  for (c = n->children; c; c = c->next)
    if (is_elem(c, "component") && load_simple(L, c, &comps[k++]))
      return L->status;
  qsort(comps, k, sizeof *comps, cmp_elem);
  for (i = 0; i < k; i++) {
    if (i > 0 && comps[i].pos == comps[i - 1].pos)
      return lfail(L, n->line, "%s: component %u is defined twice", e->name, comps[i].pos);
  }
  e->comps = comps;
  return X12KIT_OK;
}

static int load_positions(loader *L, xmlNodePtr n, x12kitp_syntax *sx, unsigned maxpos)
{
  char buf[128], *p, *end;
  unsigned long v;

  attr_buf(n, "positions", buf, sizeof buf);
  for (p = buf; *p;) {
    while (*p == ' ')
      p++;
    if (*p == '\0')
      break;
    v = strtoul(p, &end, 10);
    if (end == p || v == 0 || v > maxpos || sx->n >= sizeof sx->pos / sizeof sx->pos[0])
      return lfail(L, n->line, "syntax rule %c names a position outside 1 to %u", sx->rule,
                   maxpos);
    sx->pos[sx->n++] = (unsigned)v;
    p = end;
  }
  return sx->n >= 2 ? X12KIT_OK : lfail(L, n->line, "a syntax rule needs two positions");
}

static const x12kitp_segdef *load_segment(loader *L, xmlNodePtr n)
{
  x12kitp_segdef *sd = arena_alloc(L->s, sizeof *sd);
  x12kitp_elem *elems;
  const x12kitp_elem **by_pos;
  x12kitp_match *matches;
  x12kitp_syntax *syntax;
  x12kitp_datefmt *datefmt;
  size_t ne = 0, ns = 0, nd = 0, k = 0, i;
  unsigned span;
  xmlNodePtr c;
  char buf[8];

  if (sd == NULL) {
    lnomem(L);
    return NULL;
  }
  attr_buf(n, "id", sd->id, sizeof sd->id);
  sd->name = attr(L, n, "name");
  attr_buf(n, "usage", buf, sizeof buf);
  sd->usage = buf[0];
  sd->max = attr_uint(n, "max", 1);
  for (c = n->children; c; c = c->next) {
    if (is_elem(c, "element") || is_elem(c, "composite"))
      ne++;
    else if (is_elem(c, "syntax"))
      ns++;
    else if (is_elem(c, "dateformat"))
      nd++;
  }
  elems = arena_alloc(L->s, (ne ? ne : 1) * sizeof *elems);
  syntax = arena_alloc(L->s, (ns ? ns : 1) * sizeof *syntax);
  datefmt = arena_alloc(L->s, (nd ? nd : 1) * sizeof *datefmt);
  if (elems == NULL || syntax == NULL || datefmt == NULL || L->status) {
    lnomem(L);
    return NULL;
  }
  for (c = n->children; c; c = c->next) {
    int rc = 0;
    if (is_elem(c, "element"))
      rc = load_simple(L, c, &elems[k++]);
    else if (is_elem(c, "composite"))
      rc = load_composite(L, c, &elems[k++]);
    if (rc)
      return NULL;
  }
  qsort(elems, k, sizeof *elems, cmp_elem);
  for (i = 0; i < k; i++) {
    size_t j;
    if (i > 0 && elems[i].pos == elems[i - 1].pos) {
      lfail(L, n->line, "segment %s defines element %u twice", sd->id, elems[i].pos);
      return NULL;
    }
    sd->nmatch += elems[i].match;
    for (j = 0; j < elems[i].ncomp; j++)
      sd->nmatch += elems[i].comps[j].match;
  }
  sd->maxpos = k ? elems[k - 1].pos : 0;
  /* syntax rules may name positions the guide does not use: by_pos covers them */
  span = sd->maxpos;
  for (c = n->children; c; c = c->next) {
    if (is_elem(c, "syntax")) {
      x12kitp_syntax *sx = &syntax[sd->nsyntax++];
      attr_buf(c, "rule", buf, sizeof buf);
      sx->rule = buf[0];
      if (load_positions(L, c, sx, MAX_POS))
        return NULL;
      for (i = 0; i < sx->n; i++)
        if (sx->pos[i] > span)
          span = sx->pos[i];
    }
  }
  by_pos = arena_alloc(L->s, (span + 1) * sizeof *by_pos);
  matches = arena_alloc(L->s, (sd->nmatch ? sd->nmatch : 1) * sizeof *matches);
  if (by_pos == NULL || matches == NULL) {
    lnomem(L);
    return NULL;
  }
  for (i = 0, sd->nmatch = 0; i < k; i++) {
    size_t j;
    by_pos[elems[i].pos] = &elems[i];
    if (elems[i].match) {
      matches[sd->nmatch].e = &elems[i];
      matches[sd->nmatch].elem = elems[i].pos;
      matches[sd->nmatch++].comp = 1;
    }
    for (j = 0; j < elems[i].ncomp; j++) {
      if (!elems[i].comps[j].match)
        continue;
      matches[sd->nmatch].e = &elems[i].comps[j];
      matches[sd->nmatch].elem = elems[i].pos;
      matches[sd->nmatch++].comp = elems[i].comps[j].pos;
    }
  }
  sd->by_pos = by_pos;
  sd->matches = matches;
  for (c = n->children; c; c = c->next) {
    if (is_elem(c, "dateformat")) {
      x12kitp_datefmt *df = &datefmt[sd->ndatefmt++];
      df->element = attr_uint(c, "element", 0);
      df->qualifier = attr_uint(c, "qualifier", 0);
      if (df->element == 0 || df->element > sd->maxpos || df->qualifier == 0 ||
          df->qualifier > sd->maxpos || sd->by_pos[df->element] == NULL ||
          sd->by_pos[df->qualifier] == NULL) {
        lfail(L, c->line, "dateformat in %s names elements the segment does not define", sd->id);
        return NULL;
      }
    }
  }
  sd->syntax = syntax;
  sd->datefmt = datefmt;
  return L->status ? NULL : sd;
}

/* ---- loops and guides ---- */

static int load_children(loader *L, xmlNodePtr n, x12kitp_loopdef *loop);

static const x12kitp_loopdef *load_loop(loader *L, xmlNodePtr n, const x12kitp_loopdef *parent)
{
  x12kitp_loopdef *ld = arena_alloc(L->s, sizeof *ld);
  char buf[8];

  if (ld == NULL) {
    lnomem(L);
    return NULL;
  }
  attr_buf(n, "id", ld->id, sizeof ld->id);
  ld->name = attr(L, n, "name");
  attr_buf(n, "usage", buf, sizeof buf);
  ld->usage = buf[0];
  ld->repeat = attr_uint(n, "repeat", 1);
  ld->parent = parent;
  if (load_children(L, n, ld))
    return NULL;
  if (ld->nchild == 0 || ld->children[0].seg == NULL) {
    lfail(L, n->line, "loop %s does not start with a segment", ld->id);
    return NULL;
  }
  ld->hl = strcmp(ld->children[0].seg->id, "HL") == 0;
  return ld;
}

static int load_children(loader *L, xmlNodePtr n, x12kitp_loopdef *loop)
{
  x12kitp_child *kids;
  xmlNodePtr c;
  size_t k = 0;

  for (c = n->children; c; c = c->next)
    if (is_elem(c, "segment") || is_elem(c, "loop"))
      loop->nchild++;
  kids = arena_alloc(L->s, (loop->nchild ? loop->nchild : 1) * sizeof *kids);
  if (kids == NULL)
    return lnomem(L);
  for (c = n->children; c; c = c->next) {
    if (is_elem(c, "segment")) {
      if ((kids[k++].seg = load_segment(L, c)) == NULL)
        return L->status;
    } else if (is_elem(c, "loop")) {
      if ((kids[k++].loop = load_loop(L, c, loop)) == NULL)
        return L->status;
    }
  }
  loop->children = kids;
  return X12KIT_OK;
}

static int load_guide(loader *L, xmlNodePtr root)
{
  x12kit_guide *g = arena_alloc(L->s, sizeof *g);
  xmlNodePtr c;
  size_t i;

  if (g == NULL)
    return lnomem(L);
  g->id = attr(L, root, "id");
  g->name = attr(L, root, "name");
  g->transaction = attr(L, root, "transaction");
  g->functional_id = attr(L, root, "functional-id");
  g->version = attr(L, root, "version");
  for (c = root->children; c; c = c->next) {
    if (is_elem(c, "select")) {
      char buf[512], *p;
      const char **vals;
      size_t n = 0;
      attr_buf(c, "segment", g->select_seg, sizeof g->select_seg);
      g->select_elem = attr_uint(c, "element", 0);
      attr_buf(c, "values", buf, sizeof buf);
      for (p = buf; *p; p++)
        n += *p == ' ';
      vals = arena_alloc(L->s, (n + 1) * sizeof *vals);
      if (vals == NULL)
        return lnomem(L);
      for (p = buf; *p;) {
        char *end;
        while (*p == ' ')
          p++;
        if (*p == '\0')
          break;
        end = p;
        while (*end && *end != ' ')
          end++;
        if (*end)
          *end++ = '\0';
        vals[g->nselect++] = dup_str(L, p);
        p = end;
      }
      g->select_values = vals;
    }
  }
  g->root.name = g->name;
  g->root.usage = 'R';
  g->root.repeat = 1;
  if (L->status || load_children(L, root, &g->root))
    return L->status;
  if (g->root.nchild < 2 || g->root.children[0].seg == NULL ||
      strcmp(g->root.children[0].seg->id, "ST") != 0 ||
      g->root.children[g->root.nchild - 1].seg == NULL ||
      strcmp(g->root.children[g->root.nchild - 1].seg->id, "SE") != 0)
    return lfail(L, root->line, "guide %s must start with ST and end with SE", g->id);
  for (i = 0; i < L->nguides; i++) {
    const x12kit_guide *o = L->guides[i];
    if (strcmp(o->id, g->id) == 0)
      return lfail(L, root->line, "guide id %s is used twice", g->id);
    if (strcmp(o->transaction, g->transaction) == 0 && strcmp(o->version, g->version) == 0 &&
        (o->nselect == 0 || g->nselect == 0 || strcmp(o->select_seg, g->select_seg) != 0 ||
         o->select_elem != g->select_elem))
      return lfail(L, root->line,
                   "guides %s and %s share transaction %s and version %s: both need the same "
                   "<select> element to tell them apart", o->id, g->id, g->transaction, g->version);
  }
  return push_ptr(L, (const void ***)&L->guides, &L->nguides, &L->capguides, g);
}

static int load_control(loader *L, xmlNodePtr root)
{
  xmlNodePtr c;

  for (c = root->children; c && !L->status; c = c->next) {
    const x12kitp_segdef *sd;
    if (!is_elem(c, "segment"))
      continue;
    if ((sd = load_segment(L, c)) == NULL)
      return L->status;
    if (push_ptr(L, (const void ***)&L->control, &L->ncontrol, &L->capcontrol, sd))
      return L->status;
  }
  return L->status;
}

/* ---- files ---- */

typedef struct xsd_state {
  loader *L;
  int seen;
} xsd_state;

static void on_xml_error(void *ud, xmlErrorPtr e)
{
  xsd_state *st = ud;
  char msg[160];
  size_t n;

  if (st->seen++ || e == NULL)
    return;
  snprintf(msg, sizeof msg, "%s", e->message ? e->message : "invalid");
  n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
    msg[--n] = '\0';
  lfail(st->L, e->line, "%s", msg);
}

static int cmp_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.xml names in |dir|, sorted; the caller frees each and the array. */
static int list_files(loader *L, const char *dir, char ***out, size_t *count)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char **names = NULL;
  size_t n = 0;

  *out = NULL;
  *count = 0;
  if (d == NULL)
    return lfail(L, 0, "cannot open the map directory: %s", strerror(errno));
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    char *copy;
    if (len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0 || e->d_name[0] == '.')
      continue;
    if (n == MAX_FILES) {
      closedir(d);
      return lfail(L, 0, "more than %d map files", MAX_FILES);
    }
    if (n % 16 == 0) {
      char **q = x12kitp_realloc(&L->s->mem, names, (n + 16) * sizeof *q);
      if (q == NULL)
        break;
      names = q;
    }
    copy = x12kitp_malloc(&L->s->mem, len + 1);
    if (copy == NULL)
      break;
    memcpy(copy, e->d_name, len + 1);
    names[n++] = copy;
  }
  closedir(d);
  *out = names;
  *count = n;
  if (e != NULL)
    return lnomem(L);
  if (n)
    qsort(names, n, sizeof *names, cmp_name);
  return X12KIT_OK;
}

static int load_file(loader *L, const char *dir, const char *name, xmlSchemaPtr xsd, int pass)
{
  char path[4096];
  xmlDocPtr doc;
  xmlNodePtr root;
  xmlSchemaValidCtxtPtr vctx;
  xsd_state st = { L, 0 };
  int is_codes;

  snprintf(path, sizeof path, "%s/%s", dir, name);
  L->file = name;
  doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL) {
    xmlErrorPtr e = xmlGetLastError();
    return lfail(L, e ? e->line : 0, "not well-formed XML: %s",
                 e && e->message ? e->message : "unreadable");
  }
  root = xmlDocGetRootElement(doc);
  is_codes = root && is_elem(root, "codes");
  if (root == NULL || (pass == 0) != is_codes) {
    xmlFreeDoc(doc);
    return root ? X12KIT_OK : lfail(L, 0, "empty document");
  }
  vctx = xmlSchemaNewValidCtxt(xsd);
  if (vctx == NULL) {
    xmlFreeDoc(doc);
    return lnomem(L);
  }
  xmlSchemaSetValidStructuredErrors(vctx, on_xml_error, &st);
  if (xmlSchemaValidateDoc(vctx, doc) != 0 && !L->status)
    lfail(L, 0, "does not follow x12kit.xsd");
  xmlSchemaFreeValidCtxt(vctx);
  if (!L->status) {
    if (is_codes)
      load_codes(L, root);
    else if (is_elem(root, "guide"))
      load_guide(L, root);
    else if (is_elem(root, "control"))
      load_control(L, root);
  }
  xmlFreeDoc(doc);
  return L->status;
}

static int collect_segids(loader *L)
{
  x12kit_schema *s = L->s;
  size_t i;
  char(*ids)[4] = arena_alloc(s, 4096 * 4);

  if (ids == NULL)
    return lnomem(L);
  s->segids = ids;
  for (i = 0; i < s->ncontrol; i++)
    memcpy(ids[s->nsegids++], s->control[i]->id, 4);
  for (i = 0; i < s->nguides; i++) {
    const x12kitp_loopdef *stack[64];
    size_t idx[64], depth = 0;
    stack[0] = &s->guides[i]->root;
    idx[0] = 0;
    while (1) {
      const x12kitp_loopdef *ld = stack[depth];
      if (idx[depth] == ld->nchild) {
        if (depth == 0)
          break;
        depth--;
        continue;
      }
      if (ld->children[idx[depth]].seg) {
        if (s->nsegids < 4096)
          memcpy(ids[s->nsegids++], ld->children[idx[depth]].seg->id, 4);
        idx[depth]++;
      } else {
        const x12kitp_loopdef *sub = ld->children[idx[depth]++].loop;
        if (depth + 1 >= 64)
          return lfail(L, 0, "loops nest deeper than 64");
        stack[++depth] = sub;
        idx[depth] = 0;
      }
    }
  }
  qsort(ids, s->nsegids, 4, cmp_segid);
  {
    size_t w = 0;
    for (i = 0; i < s->nsegids; i++)
      if (w == 0 || strcmp(ids[w - 1], ids[i]) != 0)
        memcpy(ids[w++], ids[i], 4);
    s->nsegids = w;
  }
  return X12KIT_OK;
}

const char *x12kit_schema_default_dir(void)
{
  const char *env = getenv("X12KIT_SCHEMA_DIR");
  return env && *env ? env : X12KIT_SCHEMA_DIR;
}

void x12kit_schema_free(x12kit_schema *s)
{
  block *b, *next;

  if (s == NULL)
    return;
  for (b = s->blocks; b; b = next) {
    next = b->next;
    x12kitp_free(&s->mem, b);
  }
  x12kitp_free(&s->mem, (void *)s->guides);
  x12kitp_free(&s->mem, (void *)s->lists);
  x12kitp_free(&s->mem, (void *)s->control);
  x12kitp_free(&s->mem, s);
}

int x12kit_schema_load(x12kit_schema **out, const char *dir, const x12kit_mem *mem,
                       x12kit_error *err)
{
  x12kit_mem m;
  loader L;
  x12kit_schema *s;
  xmlSchemaParserCtxtPtr pctx;
  xmlSchemaPtr xsd = NULL;
  xsd_state st;
  char xsd_path[4096], **files = NULL;
  size_t nfiles = 0, i;
  int pass;

  if (out == NULL)
    return X12KIT_ERR_ARG;
  *out = NULL;
  if (err)
    memset(err, 0, sizeof *err);
  if (dir == NULL)
    dir = x12kit_schema_default_dir();
  x12kitp_mem_init(&m, mem);
  s = x12kitp_calloc(&m, sizeof *s);
  if (s == NULL)
    return X12KIT_ERR_NOMEM;
  s->mem = m;
  memset(&L, 0, sizeof L);
  L.s = s;
  L.err = err;

  xmlInitParser();
  snprintf(xsd_path, sizeof xsd_path, "%s/x12kit.xsd", dir);
  L.file = "x12kit.xsd";
  st.L = &L;
  st.seen = 0;
  pctx = NULL;
  if (access(xsd_path, R_OK) != 0)
    lfail(&L, 0, "cannot read the map schema in %s: %s", dir, strerror(errno));
  else if ((pctx = xmlSchemaNewParserCtxt(xsd_path)) == NULL) {
    lnomem(&L);
  } else if (pctx) {
    xmlSchemaSetParserStructuredErrors(pctx, on_xml_error, &st);
    xsd = xmlSchemaParse(pctx);
    xmlSchemaFreeParserCtxt(pctx);
    if (xsd == NULL)
      lfail(&L, 0, "cannot read the map schema in %s", dir);
  }
  if (!L.status)
    list_files(&L, dir, &files, &nfiles);
  if (!L.status && nfiles == 0)
    lfail(&L, 0, "no *.xml maps in %s", dir);
  for (pass = 0; pass < 2 && !L.status; pass++) {
    for (i = 0; i < nfiles && !L.status; i++)
      load_file(&L, dir, files[i], xsd, pass);
    if (pass == 0 && !L.status && L.nlists)
      qsort(L.lists, L.nlists, sizeof *L.lists, cmp_list);
  }
  L.file = NULL;
  for (i = 0; i < nfiles; i++)
    x12kitp_free(&m, files[i]);
  x12kitp_free(&m, files);
  if (xsd)
    xmlSchemaFree(xsd);
  s->guides = L.guides;
  s->nguides = L.nguides;
  s->lists = L.lists;
  s->nlists = L.nlists;
  s->control = L.control;
  s->ncontrol = L.ncontrol;
  if (!L.status && s->nguides == 0)
    lfail(&L, 0, "no transaction guide in %s", dir);
  if (!L.status)
    collect_segids(&L);
  if (L.status) {
    x12kit_schema_free(s);
    return L.status;
  }
  *out = s;
  return X12KIT_OK;
}

size_t x12kit_schema_guide_count(const x12kit_schema *s)
{
  return s->nguides;
}

const x12kit_guide *x12kit_schema_guide(const x12kit_schema *s, size_t i)
{
  return i < s->nguides ? s->guides[i] : NULL;
}

const x12kit_guide *x12kit_schema_find(const x12kit_schema *s, const char *st01,
                                       const char *version, const char *select)
{
  const x12kit_guide *first = NULL;
  size_t i, k;

  if (s == NULL || st01 == NULL || version == NULL)
    return NULL;
  for (i = 0; i < s->nguides; i++) {
    const x12kit_guide *g = s->guides[i];
    if (strcmp(g->transaction, st01) != 0 || strcmp(g->version, version) != 0)
      continue;
    if (g->nselect == 0)
      return g;
    if (select == NULL) {
      if (first == NULL)
        first = g;
      continue;
    }
    for (k = 0; k < g->nselect; k++)
      if (strcmp(g->select_values[k], select) == 0)
        return g;
  }
  return select ? NULL : first;
}

const char *x12kit_guide_id(const x12kit_guide *g) { return g->id; }
const char *x12kit_guide_name(const x12kit_guide *g) { return g->name; }
const char *x12kit_guide_transaction(const x12kit_guide *g) { return g->transaction; }
const char *x12kit_guide_version(const x12kit_guide *g) { return g->version; }
const char *x12kit_guide_functional_id(const x12kit_guide *g) { return g->functional_id; }

const x12kitp_codelist *x12kitp_schema_codelist(const x12kit_schema *s, const char *id)
{
  return find_list(s->lists, s->nlists, id);
}

static const x12kitp_code *find_code(const x12kitp_codelist *l, const char *v, size_t n)
{
  size_t lo = 0, hi = l->n;

  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strncmp(l->codes[mid].value, v, n);
    if (c == 0)
      c = l->codes[mid].value[n] != '\0';
    if (c == 0)
      return &l->codes[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

const char *x12kit_schema_code(const x12kit_schema *s, const char *list, const char *value)
{
  const x12kitp_codelist *l;
  const x12kitp_code *c;

  if (s == NULL || list == NULL || value == NULL)
    return NULL;
  l = find_list(s->lists, s->nlists, list);
  if (l == NULL)
    return NULL;
  c = *value ? find_code(l, value, strlen(value)) : NULL;
  return c ? c->desc : NULL;
}

int x12kit_schema_codes_each(const x12kit_schema *s, const char *list,
                             int (*cb)(void *user_data, const char *value, const char *desc),
                             void *user_data)
{
  const x12kitp_codelist *l;
  size_t i;

  if (s == NULL || list == NULL || cb == NULL)
    return X12KIT_ERR_ARG;
  l = find_list(s->lists, s->nlists, list);
  if (l == NULL)
    return X12KIT_ERR_ARG;
  for (i = 0; i < l->n; i++)
    if (cb(user_data, l->codes[i].value, l->codes[i].desc) != 0)
      return X12KIT_ERR_ABORTED;
  return X12KIT_OK;
}

int x12kit_schema_codelists_each(const x12kit_schema *s,
                                 int (*cb)(void *user_data, const char *id, const char *name),
                                 void *user_data)
{
  size_t i;

  if (s == NULL || cb == NULL)
    return X12KIT_ERR_ARG;
  for (i = 0; i < s->nlists; i++)
    if (cb(user_data, s->lists[i]->id, s->lists[i]->name) != 0)
      return X12KIT_ERR_ABORTED;
  return X12KIT_OK;
}

int x12kitp_schema_knows_segment(const x12kit_schema *s, const char *id)
{
  return bsearch(id, s->segids, s->nsegids, 4, cmp_segid) != NULL;
}

const x12kitp_segdef *x12kitp_schema_control(const x12kit_schema *s, const char *id)
{
  size_t i;

  for (i = 0; i < s->ncontrol; i++)
    if (strcmp(s->control[i]->id, id) == 0)
      return s->control[i];
  return NULL;
}

/* strcmp of |code| with the slice |v|, by length first: codes are short. */
static int code_cmp(const char *code, x12kit_slice v)
{
  size_t n = strlen(code);
  int c;

  if (n != v.len)
    return n < v.len ? -1 : 1;
  c = memcmp(code, v.ptr, n);
  return c;
}

int x12kitp_code_allowed(const x12kitp_elem *e, x12kit_slice v)
{
  /* short codes compare as integers (a NUL byte in |v| matches no key) */
  if (e->ncodes ? e->keys != NULL : e->list && e->list->keys != NULL) {
    uint64_t k = x12kitp_code_key(v.ptr, v.len);
    if (k == 0)
      return 0; /* empty, or longer than any code of the list */
    return e->ncodes ? has_key(e->keys, e->ncodes, k) : has_key(e->list->keys, e->list->n, k);
  }
  if ((e->ncodes || e->list) && (v.len == 0 || memchr(v.ptr, '\0', v.len) != NULL))
    return 0; /* no code is empty or holds a NUL */
  if (e->ncodes) {
    size_t lo = 0, hi = e->ncodes;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      int c = code_cmp(e->codes[mid], v);
      if (c == 0)
        return 1;
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    return 0;
  }
  if (e->list)
    return find_code(e->list, v.ptr, v.len) != NULL;
  return 1;
}
