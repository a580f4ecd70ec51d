/*
 * x12kit - command-line tool: JSON builders and output (json.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

int cli_json_failed;

static int printable(unsigned char c)
{
  return c >= 0x20 && c <= 0x7e;
}

json_t *cli_jstr(const char *s)
{
  char *buf;
  size_t n, i;
  json_t *v;

  if (!s)
    s = "";
  n = strlen(s);
  for (i = 0; i < n; i++)
    if (!printable((unsigned char)s[i]))
      break;
  if (i == n)
    return json_stringn(s, n);
  buf = malloc(n + 1);
  if (!buf)
    return NULL;
  for (i = 0; i < n; i++)
    buf[i] = printable((unsigned char)s[i]) ? s[i] : '?';
  v = json_stringn(buf, n);
  free(buf);
  return v;
}

json_t *cli_jopt(const char *s)
{
  return s && *s ? cli_jstr(s) : json_null();
}

json_t *cli_jcode(const char *code, const char *meaning)
{
  json_t *o;

  if (!code || !*code)
    return json_null();
  o = json_object();
  cli_jset(o, "code", cli_jstr(code));
  cli_jset(o, "meaning", cli_jstr(meaning));
  return o;
}

void cli_jset(json_t *obj, const char *key, json_t *v)
{
  if (!obj || !v || json_object_set_new(obj, key, v) != 0) {
    cli_json_failed = 1;
    if (!obj)
      json_decref(v);
  }
}

void cli_jpush(json_t *arr, json_t *v)
{
  if (!arr || !v || json_array_append_new(arr, v) != 0) {
    cli_json_failed = 1;
    if (!arr)
      json_decref(v);
  }
}

int cli_json_print(json_t *root)
{
  char *text = root && !cli_json_failed
                 ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
  int rc = CLI_OK;

  if (!text)
    return cli_nomem();
  if (fputs(text, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
    fprintf(stderr, "%s: cannot write the output\n", CLI_NAME);
    rc = CLI_IO;
  }
  free(text);
  return rc;
}
