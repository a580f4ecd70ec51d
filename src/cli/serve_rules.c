/*
 * x12kit - the clearinghouse simulator: reading the payer rules file
 * (docs/simulator-rules.md).  libxml2 reads it with no network access;
 * a DOCTYPE is refused, so no entity is ever declared or expanded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "serve.h"

typedef struct rctx {
  serve_rules *r;
  char *msg;
  size_t msg_size;
  int failed;
} rctx;

static void fail(rctx *c, const xmlNode *n, const char *what)
{
  if (!c->failed)
    snprintf(c->msg, c->msg_size, "line %ld: %s", n ? (long)xmlGetLineNo(n) : 0L, what);
  c->failed = 1;
}

static char *prop(rctx *c, const xmlNode *n, const char *name)
{
  xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
  char *s;

  if (!v)
    return NULL;
  s = strdup((const char *)v);
  xmlFree(v);
  if (!s)
    fail(c, n, "out of memory");
  return s;
}

static char *need(rctx *c, const xmlNode *n, const char *name)
{
  char *s = prop(c, n, name);
  char buf[96];

  if (!s && !c->failed) {
    snprintf(buf, sizeof buf, "<%s> needs the attribute %s", (const char *)n->name, name);
    fail(c, n, buf);
  }
  return s;
}

static int is(const xmlNode *n, const char *name)
{
  return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* "Y"/"N"-style attributes: returns 'Y', 'N' (or |other| letters), 0 when absent. */
static char flag(rctx *c, const xmlNode *n, const char *name, const char *allowed)
{
  char *s = prop(c, n, name);
  char f = 0;

  if (s) {
    if (strlen(s) == 1 && strchr(allowed, s[0]))
      f = s[0];
    else
      fail(c, n, "a flag attribute holds a value it does not allow");
    free(s);
  }
  return f;
}

static void free_benefits(serve_benefit *b)
{
  while (b) {
    serve_benefit *nx = b->next;
    free(b->service_type);
    free(b->procedure);
    free(b->copay);
    free(b->coinsurance);
    free(b->deductible);
    free(b->deductible_remaining);
    free(b->oop);
    free(b->oop_remaining);
    free(b->visits);
    free(b->message);
    free(b);
    b = nx;
  }
}

static void free_members(serve_member *m)
{
  while (m) {
    serve_member *nx = m->next;
    free(m->id);
    free(m->last);
    free(m->first);
    free(m->dob);
    free(m->group);
    free(m->fault);
    free_members(m->dependents);
    free(m);
    m = nx;
  }
}

void serve_rules_free(serve_rules *r)
{
  if (!r)
    return;
  while (r->plans) {
    serve_plan *nx = r->plans->next;
    free(r->plans->id);
    free(r->plans->name);
    free_benefits(r->plans->benefits);
    free(r->plans);
    r->plans = nx;
  }
  free_members(r->members);
  while (r->auth) {
    serve_auth_rule *nx = r->auth->next;
    free(r->auth->procedure);
    free(r->auth->diagnosis);
    free(r->auth->reason);
    free(r->auth->cert_prefix);
    free(r->auth->start);
    free(r->auth->end);
    free(r->auth);
    r->auth = nx;
  }
  free(r->appeals.reason);
  free(r->appeals.cert_prefix);
  free(r->payer_name);
  free(r->payer_id);
  free(r);
}

static void read_benefit(rctx *c, serve_plan *p, const xmlNode *n)
{
  serve_benefit *b = calloc(1, sizeof *b), **tail;
  char cov;

  if (!b) {
    fail(c, n, "out of memory");
    return;
  }
  for (tail = &p->benefits; *tail; tail = &(*tail)->next)
    ;
  *tail = b;
  b->service_type = prop(c, n, "service-type");
  b->procedure = prop(c, n, "procedure");
  if (!b->service_type == !b->procedure)
    fail(c, n, "<benefit> needs one of service-type and procedure");
  cov = flag(c, n, "covered", "YN");
  b->covered = cov != 'N';
  b->copay = prop(c, n, "copay");
  b->coinsurance = prop(c, n, "coinsurance");
  b->deductible = prop(c, n, "deductible");
  b->deductible_remaining = prop(c, n, "deductible-remaining");
  b->oop = prop(c, n, "oop");
  b->oop_remaining = prop(c, n, "oop-remaining");
  b->visits = prop(c, n, "visits");
  b->network = flag(c, n, "in-network", "YNW");
  b->prior_auth = flag(c, n, "prior-auth", "YN");
  b->message = prop(c, n, "message");
}

static serve_member *read_member(rctx *c, const xmlNode *n)
{
  serve_member *m = calloc(1, sizeof *m), **tail = NULL;
  const xmlNode *k;
  char *plan;

  if (!m) {
    fail(c, n, "out of memory");
    return NULL;
  }
  m->id = need(c, n, "id");
  m->last = need(c, n, "last");
  m->first = prop(c, n, "first");
  m->dob = prop(c, n, "dob");
  m->group = prop(c, n, "group");
  m->fault = prop(c, n, "fault");
  m->active = flag(c, n, "active", "YN") != 'N';
  plan = prop(c, n, "plan");
  if (plan) {
    const serve_plan *p;
    for (p = c->r->plans; p && strcmp(p->id, plan) != 0; p = p->next)
      ;
    if (!p)
      fail(c, n, "<member> names a plan that is not defined before it");
    m->plan = p;
    free(plan);
  }
  tail = &m->dependents;
  for (k = n->children; k; k = k->next) {
    if (is(k, "dependent")) {
      serve_member *d = read_member(c, k);
      if (d) {
        if (!d->plan)
          d->plan = m->plan;
        *tail = d;
        tail = &d->next;
      }
    } else if (k->type == XML_ELEMENT_NODE) {
      fail(c, k, "unknown element inside <member>");
    }
  }
  return m;
}

static int is_date(const char *s)
{
  return strlen(s) == 8 && strspn(s, "0123456789") == 8;
}

static void read_auth(rctx *c, const xmlNode *n)
{
  serve_auth_rule *a = calloc(1, sizeof *a), **tail;
  char *d, *u;

  if (!a) {
    fail(c, n, "out of memory");
    return;
  }
  for (tail = &c->r->auth; *tail; tail = &(*tail)->next)
    ;
  *tail = a;
  a->procedure = need(c, n, "procedure");
  a->diagnosis = prop(c, n, "diagnosis");
  a->reason = prop(c, n, "reason");
  a->cert_prefix = prop(c, n, "cert-prefix");
  a->start = prop(c, n, "start");
  a->end = prop(c, n, "end");
  d = need(c, n, "decision");
  if (d) {
    if (strcmp(d, "certified") == 0)
      a->decision = SERVE_CERTIFIED;
    else if (strcmp(d, "partial") == 0)
      a->decision = SERVE_PARTIAL;
    else if (strcmp(d, "pended") == 0)
      a->decision = SERVE_PENDED;
    else if (strcmp(d, "denied") == 0)
      a->decision = SERVE_DENIED;
    else
      fail(c, n, "decision is one of certified, partial, pended, denied");
    free(d);
  }
  u = prop(c, n, "units");
  if (u) {
    char *end;
    a->units = strtoul(u, &end, 10);
    if (*end || end == u)
      fail(c, n, "units is a whole number");
    free(u);
  }
  if ((a->start && !is_date(a->start)) || (a->end && !is_date(a->end)))
    fail(c, n, "start and end are dates written CCYYMMDD");
  else if (a->end && !a->start)
    fail(c, n, "end needs a start");
  else if (a->end && strcmp(a->end, a->start) < 0)
    fail(c, n, "end comes before start");
  if (a->decision == SERVE_DENIED && !a->reason)
    fail(c, n, "a denied rule needs a reason code");
  if (a->decision == SERVE_PARTIAL && a->units == 0)
    fail(c, n, "a partial rule needs units");
}

/* <appeals attachments="03 06" message="required|optional" reason="35" cert-prefix="CV"/> */
static void read_appeals(rctx *c, const xmlNode *n)
{
  serve_appeals *ap = &c->r->appeals;
  char *codes = prop(c, n, "attachments"), *msg = prop(c, n, "message"), *tok, *save = NULL;

  if (codes) {
    ap->n_attachments = 0;
    for (tok = strtok_r(codes, " ,", &save); tok && !c->failed;
         tok = strtok_r(NULL, " ,", &save)) {
      if (strlen(tok) != 2 || ap->n_attachments == SERVE_MAX_ATTACHMENTS)
        fail(c, n, "attachments is a list of at most 8 two-character PWK01 codes");
      else
        memcpy(ap->attachments[ap->n_attachments++], tok, 3);
    }
    if (!ap->n_attachments)
      fail(c, n, "attachments names no PWK01 code");
    free(codes);
  }
  if (msg) {
    if (strcmp(msg, "required") == 0)
      ap->need_message = 1;
    else if (strcmp(msg, "optional") == 0)
      ap->need_message = 0;
    else
      fail(c, n, "message is required or optional");
    free(msg);
  }
  free(ap->reason);
  free(ap->cert_prefix);
  ap->reason = prop(c, n, "reason");
  ap->cert_prefix = prop(c, n, "cert-prefix");
}

int serve_rules_load(const char *path, serve_rules **out, char *msg, size_t msg_size)
{
  xmlDoc *doc;
  const xmlNode *root, *n;
  rctx c;

  *out = NULL;
  memset(&c, 0, sizeof c);
  c.msg = msg;
  c.msg_size = msg_size;
  doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    snprintf(msg, msg_size, "cannot read it or it is not well-formed XML");
    return -1;
  }
  if (doc->intSubset || doc->extSubset) {
    xmlFreeDoc(doc);
    snprintf(msg, msg_size, "a DOCTYPE is not allowed");
    return -1;
  }
  root = xmlDocGetRootElement(doc);
  if (!root || !is(root, "payer-rules")) {
    xmlFreeDoc(doc);
    snprintf(msg, msg_size, "the root element is not <payer-rules>");
    return -1;
  }
  c.r = calloc(1, sizeof *c.r);
  if (!c.r) {
    xmlFreeDoc(doc);
    snprintf(msg, msg_size, "out of memory");
    return -1;
  }
  /* appeals: a letter of medical necessity (PWK01 03) and a message */
  memcpy(c.r->appeals.attachments[0], "03", 3);
  c.r->appeals.n_attachments = 1;
  c.r->appeals.need_message = 1;
  {
    serve_member **mtail = &c.r->members;
    serve_plan **ptail = &c.r->plans;
    for (n = root->children; n && !c.failed; n = n->next) {
      if (n->type != XML_ELEMENT_NODE)
        continue;
      if (is(n, "payer")) {
        free(c.r->payer_name);
        free(c.r->payer_id);
        c.r->payer_name = need(&c, n, "name");
        c.r->payer_id = need(&c, n, "id");
      } else if (is(n, "plan")) {
        serve_plan *p = calloc(1, sizeof *p);
        const xmlNode *b;
        if (!p) {
          fail(&c, n, "out of memory");
          break;
        }
        *ptail = p;
        ptail = &p->next;
        p->id = need(&c, n, "id");
        p->name = need(&c, n, "name");
        for (b = n->children; b; b = b->next) {
          if (is(b, "benefit"))
            read_benefit(&c, p, b);
          else if (b->type == XML_ELEMENT_NODE)
            fail(&c, b, "unknown element inside <plan>");
        }
      } else if (is(n, "member")) {
        serve_member *m = read_member(&c, n);
        if (m) {
          *mtail = m;
          mtail = &m->next;
        }
      } else if (is(n, "auth")) {
        read_auth(&c, n);
      } else if (is(n, "appeals")) {
        read_appeals(&c, n);
      } else {
        fail(&c, n, "unknown element inside <payer-rules>");
      }
    }
  }
  if (!c.failed && (!c.r->payer_name || !c.r->payer_id))
    fail(&c, root, "no <payer name=... id=...> element");
  xmlFreeDoc(doc);
  if (c.failed) {
    serve_rules_free(c.r);
    return -1;
  }
  *out = c.r;
  return 0;
}

static const serve_member *find_in(const serve_member *m, const char *id)
{
  for (; m; m = m->next) {
    const serve_member *d;
    if (m->id && strcmp(m->id, id) == 0)
      return m;
    d = find_in(m->dependents, id);
    if (d)
      return d;
  }
  return NULL;
}

const serve_member *serve_rules_member(const serve_rules *r, const char *id)
{
  return find_in(r->members, id);
}

const serve_auth_rule *serve_rules_auth(const serve_rules *r, const char *procedure,
                                        const char *const *dx, size_t ndx)
{
  const serve_auth_rule *a;
  size_t i;

  for (a = r->auth; a; a = a->next) {
    if (strcmp(a->procedure, "*") != 0 && strcmp(a->procedure, procedure) != 0)
      continue;
    if (!a->diagnosis || strcmp(a->diagnosis, "*") == 0)
      return a;
    for (i = 0; i < ndx; i++)
      if (strcmp(a->diagnosis, dx[i]) == 0)
        return a;
  }
  return NULL;
}
