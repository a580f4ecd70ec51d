/*
 * x12kit - command-line tool: reading a request from a JSON or XML file
 * and from command-line options, against a command's table of keys
 * (request.h; the formats are in docs/request-format.md).
 *
 * JSON is read with jansson, duplicate keys refused.  XML is read with
 * libxml2 without network access, without loading DTDs and without
 * substituting entities, and a document with a DOCTYPE is refused.
 * Messages name the file, the XML line, the key and the item; they
 * never quote a value, nor jansson's or libxml2's own messages (which
 * can quote the text around an error).
 */
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "request.h"

#if defined(__GNUC__)
#define REQ_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define REQ_PRINTF(f, a)
#endif

/* The longest part of a key shown in a message. */
#define KEY_SHOWN 40

/* ---- storage ---- */

int request_init(request *rq, const req_key *keys, size_t nkeys)
{
  memset(rq, 0, sizeof *rq);
  rq->keys = keys;
  rq->nkeys = nkeys;
  rq->top = calloc(nkeys ? nkeys : 1, sizeof rq->top[0]);
  if (rq->top == NULL) {
    cli_nomem();
    return -1;
  }
  return 0;
}

static void free_lists(req_value *v, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (v[i].cap > 0)
      free(v[i].list);
}

void request_free(request *rq)
{
  size_t i;

  if (rq->top)
    free_lists(rq->top, rq->nkeys);
  if (rq->items)
    free_lists(rq->items, rq->nitems * rq->nkeys);
  for (i = 0; i < rq->nowned; i++)
    free(rq->owned[i]);
  free(rq->owned);
  free(rq->top);
  free(rq->items);
  memset(rq, 0, sizeof *rq);
}

/* A copy of |n| bytes of |s| that |rq| frees; NULL when out of memory. */
static const char *own_copy(request *rq, const char *s, size_t n)
{
  char *p;

  if (rq->nowned == rq->capowned) {
    size_t cap = rq->capowned ? rq->capowned * 2 : 32;
    void **q = realloc(rq->owned, cap * sizeof q[0]);
    if (q == NULL)
      return NULL;
    rq->owned = q;
    rq->capowned = cap;
  }
  p = malloc(n + 1);
  if (p == NULL)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  rq->owned[rq->nowned++] = p;
  return p;
}

/* Adds |s| to a list value; the list becomes the value's own array. -1 when out of memory. */
static int list_add(req_value *v, const char *s)
{
  if (v->nlist == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 8;
    const char **l;
    if (cap < v->nlist + 1)
      cap = v->nlist + 8;
    if (v->cap > 0) {
      l = realloc(v->list, cap * sizeof l[0]);
    } else { /* borrowed or none yet */
      l = malloc(cap * sizeof l[0]);
      if (l && v->nlist > 0)
        memcpy(l, v->list, v->nlist * sizeof l[0]);
    }
    if (l == NULL)
      return -1;
    v->list = l;
    v->cap = cap;
  }
  v->list[v->nlist++] = s;
  v->set = 1;
  return 0;
}

int request_key(const request *rq, const char *name)
{
  size_t k;

  for (k = 0; k < rq->nkeys; k++)
    if (strcmp(rq->keys[k].name, name) == 0)
      return (int)k;
  return -1;
}

req_value *request_item(const request *rq, size_t i, size_t k)
{
  return &rq->items[i * rq->nkeys + k];
}

/* Adds an empty item; its index in *i.  -1 when out of memory. */
static int item_add(request *rq, size_t *i)
{
  req_value *v = realloc(rq->items, (rq->nitems + 1) * rq->nkeys * sizeof v[0]);

  if (v == NULL)
    return -1;
  rq->items = v;
  memset(&v[rq->nitems * rq->nkeys], 0, rq->nkeys * sizeof v[0]);
  *i = rq->nitems++;
  return 0;
}

/* ---- command line ---- */

struct option *request_options(const request *rq, const struct option *extra, size_t nextra)
{
  struct option *o = calloc(nextra + rq->nkeys + 1, sizeof o[0]);
  size_t k, n = nextra;

  if (o == NULL)
    return NULL;
  memcpy(o, extra, nextra * sizeof o[0]);
  for (k = 0; k < rq->nkeys; k++) {
    if (!(rq->keys[k].where & REQ_TOP) || rq->keys[k].kind == REQ_ITEMS)
      continue;
    o[n].name = rq->keys[k].name;
    o[n].has_arg = rq->keys[k].kind == REQ_FLAG ? no_argument : required_argument;
    o[n].flag = NULL;
    o[n].val = REQUEST_OPT_BASE + (int)k;
    n++;
  }
  return o;
}

/* |n| bytes of decimal digits, no sign, up to ULONG_MAX. */
static int parse_number(const char *s, size_t n, unsigned long *out)
{
  unsigned long v = 0;
  size_t i;

  if (n == 0)
    return -1;
  for (i = 0; i < n; i++) {
    unsigned d = (unsigned)(s[i] - '0');
    if (s[i] < '0' || s[i] > '9' || v > (ULONG_MAX - d) / 10)
      return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

int request_option(request *rq, size_t k, const char *arg)
{
  req_value *v = &rq->top[k];

  switch (rq->keys[k].kind) {
  case REQ_TEXT:
    v->text = arg;
    break;
  case REQ_LIST:
    return list_add(v, arg) == 0 ? 0 : -2;
  case REQ_NUMBER:
    if (parse_number(arg, strlen(arg), &v->number) != 0)
      return -1;
    break;
  case REQ_FLAG:
    v->flag = 1;
    break;
  case REQ_ITEMS:
    return -1;
  }
  v->set = 1;
  return 0;
}

void request_override(request *rq, const request *over)
{
  size_t k;

  for (k = 0; k < rq->nkeys; k++) {
    if (!over->top[k].set)
      continue;
    if (rq->top[k].cap > 0)
      free(rq->top[k].list);
    rq->top[k] = over->top[k];
    rq->top[k].cap = 0; /* borrowed from |over| */
  }
}

/* ---- messages ---- */

/* What a reader needs for its messages. */
typedef struct reader {
  request *rq;
  const char *file;
} reader;

static void say(const reader *rd, long line, const char *fmt, ...) REQ_PRINTF(3, 4);

/* "x12kit: FILE[:LINE]: message" */
static void say(const reader *rd, long line, const char *fmt, ...)
{
  char msg[400];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s: ", CLI_NAME);
  cli_put_safe(stderr, rd->file);
  if (line > 0)
    fprintf(stderr, ":%ld", line);
  fputs(": ", stderr);
  cli_put_safe(stderr, msg);
  fputc('\n', stderr);
}

/* A key as shown in messages: printable ASCII, at most KEY_SHOWN characters. */
static void show_key(char out[KEY_SHOWN + 4], const char *key)
{
  size_t i;

  for (i = 0; key[i] && i < KEY_SHOWN; i++)
    out[i] = key[i] >= 0x20 && key[i] < 0x7f ? key[i] : '?';
  if (key[i]) {
    memcpy(out + i, "...", 3);
    i += 3;
  }
  out[i] = '\0';
}

/* What one item is called: "patient". */
static const char *item_noun(const reader *rd)
{
  size_t k;

  for (k = 0; k < rd->rq->nkeys; k++)
    if (rd->rq->keys[k].kind == REQ_ITEMS)
      return rd->rq->keys[k].item;
  return "item";
}

/* " in patient 2" for item |item| (1-based), "" at the top. */
static const char *where_text(const reader *rd, size_t item, char buf[64])
{
  buf[0] = '\0';
  if (item > 0)
    snprintf(buf, 64, " in %s %zu", item_noun(rd), item);
  return buf;
}

static const char *kind_text(req_kind kind)
{
  switch (kind) {
  case REQ_TEXT:
    return "a string";
  case REQ_LIST:
    return "a list of strings";
  case REQ_NUMBER:
    return "a whole number";
  case REQ_FLAG:
    return "true or false";
  case REQ_ITEMS:
    return "a list of objects";
  }
  return "";
}

/*
 * Looks up |name| for item |item| (0: the top).  Prints why and returns
 * -1 when the key is unknown or not allowed there.
 */
static int find_key(const reader *rd, const char *name, size_t item, long line)
{
  char key[KEY_SHOWN + 4], in[64];
  int k = request_key(rd->rq, name);

  show_key(key, name);
  where_text(rd, item, in);
  if (k < 0) {
    say(rd, line, "unknown key \"%s\"%s", key, in);
    return -1;
  }
  if (!(rd->rq->keys[k].where & (item ? REQ_ITEM : REQ_TOP))) {
    if (item)
      say(rd, line, "key \"%s\" cannot be given%s, only for the whole request", key, in);
    else
      say(rd, line, "key \"%s\" can only be given in each %s", key, item_noun(rd));
    return -1;
  }
  return k;
}

static int wrong_type(const reader *rd, long line, int k, size_t item)
{
  char key[KEY_SHOWN + 4], in[64];

  show_key(key, rd->rq->keys[k].name);
  say(rd, line, "key \"%s\"%s must be %s", key, where_text(rd, item, in),
      kind_text(rd->rq->keys[k].kind));
  return CLI_USAGE;
}

static req_value *slot(const reader *rd, int k, size_t item)
{
  return item ? request_item(rd->rq, item - 1, (size_t)k) : &rd->rq->top[k];
}

/* ---- JSON ---- */

static const char *json_reason(const json_error_t *e)
{
  switch (json_error_code(e)) {
  case json_error_invalid_utf8:
    return "text that is not UTF-8";
  case json_error_premature_end_of_input:
    return "the text ends too early";
  case json_error_end_of_input_expected:
    return "more text after the request's closing }";
  case json_error_duplicate_key:
    return "a key given twice in one object";
  case json_error_numeric_overflow:
    return "a number too large";
  case json_error_null_character:
  case json_error_null_byte_in_key:
    return "a NUL character";
  case json_error_stack_overflow:
    return "too deeply nested";
  default:
    return "invalid syntax";
  }
}

static int json_object_read(const reader *rd, json_t *obj, size_t item);

static int json_value_read(const reader *rd, int k, json_t *val, size_t item)
{
  req_value *v = slot(rd, k, item);
  const char *s;
  size_t i, j;
  json_t *e;

  switch (rd->rq->keys[k].kind) {
  case REQ_TEXT:
    if (!json_is_string(val))
      return wrong_type(rd, 0, k, item);
    v->text = own_copy(rd->rq, json_string_value(val), json_string_length(val));
    if (v->text == NULL)
      return cli_nomem();
    break;
  case REQ_LIST:
    if (!json_is_array(val))
      return wrong_type(rd, 0, k, item);
    json_array_foreach(val, i, e) {
      if (!json_is_string(e))
        return wrong_type(rd, 0, k, item);
      s = own_copy(rd->rq, json_string_value(e), json_string_length(e));
      if (s == NULL || list_add(slot(rd, k, item), s) != 0)
        return cli_nomem();
    }
    break;
  case REQ_NUMBER:
    if (!json_is_integer(val) || json_integer_value(val) < 0)
      return wrong_type(rd, 0, k, item);
    v->number = (unsigned long)json_integer_value(val);
    break;
  case REQ_FLAG:
    if (!json_is_boolean(val))
      return wrong_type(rd, 0, k, item);
    v->flag = json_is_true(val);
    break;
  case REQ_ITEMS:
    if (!json_is_array(val))
      return wrong_type(rd, 0, k, item);
    json_array_foreach(val, i, e) {
      int rc;
      if (!json_is_object(e))
        return wrong_type(rd, 0, k, item);
      if (item_add(rd->rq, &j) != 0)
        return cli_nomem();
      rc = json_object_read(rd, e, j + 1);
      if (rc != CLI_OK)
        return rc;
    }
    break;
  }
  slot(rd, k, item)->set = 1;
  return CLI_OK;
}

static int json_object_read(const reader *rd, json_t *obj, size_t item)
{
  const char *name;
  json_t *val;
  int k, rc;

  json_object_foreach(obj, name, val) {
    k = find_key(rd, name, item, 0);
    if (k < 0)
      return CLI_USAGE;
    rc = json_value_read(rd, k, val, item);
    if (rc != CLI_OK)
      return rc;
  }
  return CLI_OK;
}

static int read_json(const reader *rd, const char *text, size_t len)
{
  json_error_t e;
  json_t *root;
  int rc;

  root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
  if (root == NULL) {
    if (json_error_code(&e) == json_error_out_of_memory)
      return cli_nomem();
    if (e.line > 0 && e.column > 0)
      say(rd, e.line, "column %d: not valid JSON: %s", e.column, json_reason(&e));
    else
      say(rd, 0, "not valid JSON: %s", json_reason(&e));
    return CLI_USAGE;
  }
  if (!json_is_object(root)) {
    say(rd, 0, "a JSON request must be an object ({ ... })");
    json_decref(root);
    return CLI_USAGE;
  }
  rc = json_object_read(rd, root, 0);
  json_decref(root);
  return rc;
}

/* ---- XML ---- */

static const char *xml_reason(int code)
{
  switch (code) {
  case XML_ERR_DOCUMENT_EMPTY:
  case XML_ERR_DOCUMENT_START:
    return "no root element";
  case XML_ERR_DOCUMENT_END:
    return "more content after the root element";
  case XML_ERR_TAG_NAME_MISMATCH:
    return "an end tag does not match its start tag";
  case XML_ERR_TAG_NOT_FINISHED:
    return "an element is not closed";
  case XML_ERR_INVALID_CHAR:
  case XML_ERR_INVALID_ENCODING:
    return "a character that is not allowed, or not UTF-8";
  case XML_ERR_UNDECLARED_ENTITY:
  case XML_WAR_UNDECLARED_ENTITY:
    return "an undefined entity";
  case XML_ERR_ENTITYREF_SEMICOL_MISSING:
    return "an & that starts no entity (write &amp;)";
  case XML_ERR_NAME_REQUIRED:
  case XML_ERR_GT_REQUIRED:
  case XML_ERR_LTSLASH_REQUIRED:
  case XML_ERR_LT_IN_ATTRIBUTE:
  case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
    return "a malformed tag";
  default:
    return "not well-formed";
  }
}

static int blank(const xmlChar *s)
{
  for (; s && *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
      return 0;
  return 1;
}

static int xml_refuse_attributes(const reader *rd, xmlNodePtr n)
{
  char key[KEY_SHOWN + 4];

  if (n->properties) {
    show_key(key, (const char *)n->properties->name);
    say(rd, xmlGetLineNo(n), "attribute \"%s\" is not allowed (a request has elements only)",
        key);
    return CLI_USAGE;
  }
  if (n->nsDef || n->ns) {
    say(rd, xmlGetLineNo(n), "XML namespaces are not used in a request");
    return CLI_USAGE;
  }
  return CLI_OK;
}

/*
 * The text of key element |n|, without surrounding blanks, copied into
 * |rq|.  CLI_USAGE (after a message) when it holds elements or entity
 * references.
 */
static int xml_text(const reader *rd, xmlNodePtr n, int k, size_t item, const char **out)
{
  const xmlChar *a, *b;
  xmlChar *content;
  xmlNodePtr c;
  int rc;

  if ((rc = xml_refuse_attributes(rd, n)) != CLI_OK)
    return rc;
  for (c = n->children; c; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE ||
        c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
      continue;
    return wrong_type(rd, xmlGetLineNo(n), k, item);
  }
  content = xmlNodeGetContent(n);
  if (content == NULL) {
    *out = own_copy(rd->rq, "", 0);
    return *out ? CLI_OK : cli_nomem();
  }
  for (a = content; *a == ' ' || *a == '\t' || *a == '\r' || *a == '\n'; a++)
    ;
  for (b = a + strlen((const char *)a); b > a && (b[-1] == ' ' || b[-1] == '\t' ||
                                                  b[-1] == '\r' || b[-1] == '\n'); b--)
    ;
  *out = own_copy(rd->rq, (const char *)a, (size_t)(b - a));
  xmlFree(content);
  return *out ? CLI_OK : cli_nomem();
}

static int xml_object_read(const reader *rd, xmlNodePtr parent, size_t item);

/* Key element |n| of item |item| (0: the top). */
static int xml_key_read(const reader *rd, xmlNodePtr n, size_t item)
{
  const char *name = (const char *)n->name;
  char key[KEY_SHOWN + 4], in[64];
  long line = xmlGetLineNo(n);
  const char *text;
  req_value *v;
  size_t k, i;
  int rc, kk;

  if (n->ns) {
    say(rd, line, "XML namespaces are not used in a request");
    return CLI_USAGE;
  }
  /* an item: <patient> for the key "patients" */
  for (k = 0; item == 0 && k < rd->rq->nkeys; k++) {
    if (rd->rq->keys[k].kind == REQ_ITEMS && strcmp(rd->rq->keys[k].item, name) == 0) {
      if ((rc = xml_refuse_attributes(rd, n)) != CLI_OK)
        return rc;
      if (item_add(rd->rq, &i) != 0)
        return cli_nomem();
      rd->rq->top[k].set = 1;
      return xml_object_read(rd, n, i + 1);
    }
  }
  kk = find_key(rd, name, item, line);
  if (kk < 0)
    return CLI_USAGE;
  if (rd->rq->keys[kk].kind == REQ_ITEMS) {
    show_key(key, name);
    say(rd, line, "unknown element <%s>: in XML each item is an element <%s>", key,
        rd->rq->keys[kk].item);
    return CLI_USAGE;
  }
  v = slot(rd, kk, item);
  if (v->set && rd->rq->keys[kk].kind != REQ_LIST) {
    show_key(key, name);
    say(rd, line, "key \"%s\" is given twice%s", key, where_text(rd, item, in));
    return CLI_USAGE;
  }
  if ((rc = xml_text(rd, n, kk, item, &text)) != CLI_OK)
    return rc;
  switch (rd->rq->keys[kk].kind) {
  case REQ_TEXT:
    v->text = text;
    break;
  case REQ_LIST:
    if (list_add(v, text) != 0)
      return cli_nomem();
    break;
  case REQ_NUMBER:
    if (parse_number(text, strlen(text), &v->number) != 0)
      return wrong_type(rd, line, kk, item);
    break;
  case REQ_FLAG:
    if (*text == '\0' || strcmp(text, "true") == 0)
      v->flag = 1;
    else if (strcmp(text, "false") == 0)
      v->flag = 0;
    else
      return wrong_type(rd, line, kk, item);
    break;
  case REQ_ITEMS:
    break;
  }
  v->set = 1;
  return CLI_OK;
}

/* The children of the root or of an item: key elements, blanks, comments. */
static int xml_object_read(const reader *rd, xmlNodePtr parent, size_t item)
{
  xmlNodePtr c;
  int rc;

  for (c = parent->children; c; c = c->next) {
    switch (c->type) {
    case XML_ELEMENT_NODE:
      if ((rc = xml_key_read(rd, c, item)) != CLI_OK)
        return rc;
      break;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
      if (!blank(c->content)) {
        say(rd, xmlGetLineNo(c), "text outside any key element");
        return CLI_USAGE;
      }
      break;
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
      break;
    default:
      say(rd, xmlGetLineNo(c), "an entity reference or other content not allowed in a "
          "request");
      return CLI_USAGE;
    }
  }
  return CLI_OK;
}

static int read_xml(const reader *rd, const char *text, size_t len)
{
  xmlParserCtxtPtr ctxt;
  xmlDocPtr doc;
  xmlNodePtr root;
  int rc = CLI_OK;

  ctxt = xmlNewParserCtxt();
  if (ctxt == NULL)
    return cli_nomem();
  /* no XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR or XML_PARSE_HUGE */
  doc = xmlCtxtReadMemory(ctxt, text, (int)len, NULL, NULL,
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                          XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES);
  if (doc == NULL || !ctxt->wellFormed) {
    const xmlError *e = xmlCtxtGetLastError(ctxt);
    if (e && e->code == XML_ERR_NO_MEMORY)
      rc = cli_nomem();
    else if (e && e->line > 0 && e->int2 > 0)
      say(rd, e->line, "column %d: not well-formed XML: %s (libxml2 error %d)", e->int2,
          xml_reason(e->code), e->code);
    else if (e)
      say(rd, e->line, "not well-formed XML: %s (libxml2 error %d)", xml_reason(e->code),
          e->code);
    else
      say(rd, 0, "not well-formed XML");
    if (rc == CLI_OK)
      rc = CLI_USAGE;
    goto done;
  }
  if (doc->intSubset || doc->extSubset) {
    say(rd, 0, "a DOCTYPE is not allowed in a request");
    rc = CLI_USAGE;
    goto done;
  }
  root = xmlDocGetRootElement(doc);
  if (root == NULL || root->ns || strcmp((const char *)root->name, "request") != 0) {
    say(rd, root ? xmlGetLineNo(root) : 0, "the root element of an XML request must be "
        "<request>");
    rc = CLI_USAGE;
    goto done;
  }
  rc = xml_refuse_attributes(rd, root);
  if (rc == CLI_OK)
    rc = xml_object_read(rd, root, 0);
done:
  if (doc)
    xmlFreeDoc(doc);
  xmlFreeParserCtxt(ctxt);
  return rc;
}

/* ---- the file ---- */

int request_read(request *rq, const char *path)
{
  cli_input in;
  reader rd;
  char *buf;
  size_t len, skip = 0;
  int rc;

  rc = cli_open(&in, path);
  if (rc != CLI_OK)
    return rc;
  rd.rq = rq;
  rd.file = in.name;
  rc = cli_read_all(&in, REQUEST_MAX_BYTES, &buf, &len);
  cli_close(&in);
  if (rc == CLI_INVALID) /* too large: the message is printed */
    return CLI_USAGE;
  if (rc != CLI_OK)
    return rc;
  if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
    skip = 3;
  while (skip < len && (buf[skip] == ' ' || buf[skip] == '\t' || buf[skip] == '\r' ||
                        buf[skip] == '\n'))
    skip++;
  if (skip < len && buf[skip] == '{') {
    rc = read_json(&rd, buf + skip, len - skip);
  } else if (skip < len && buf[skip] == '<') {
    rc = read_xml(&rd, buf + skip, len - skip);
  } else {
    say(&rd, 0, "a request file must be JSON (starting with {) or XML (starting with <)");
    rc = CLI_USAGE;
  }
  free(buf);
  return rc;
}
