/*
 * x12kit - HIPAA X12 5010 toolkit
 *
 * convert.h: X12 to XML and JSON documents that keep the loop
 * structure of the implementation guide, and back to X12.
 *
 * X12 input is lexed and walked by the validator, so every segment is
 * placed in the loop the guide gives it (see validate.h); a segment the
 * guide does not place is kept where the walk found it and flagged
 * "unplaced", never dropped.  XML is one document holding every
 * interchange; JSON is JSON Lines: one object per line for each
 * interchange header, group header, transaction set, group trailer and
 * interchange trailer.  docs/convert.md describes both shapes and
 * schemas/x12kit-document.xsd the XML.
 *
 * Conversion streams: X12 and JSON Lines are read in chunks, XML with
 * libxml2's pull reader, and only one transaction set (X12 input) or
 * one segment (XML) or one line (JSON) is held at a time, so memory
 * does not grow with the file.
 *
 * Going back to X12 writes every segment with the delimiters and line
 * end the document names, ISA11 and ISA16 as given, and recomputes
 * SE01, GE01 and IEA01.  For canonical X12 (one delimiter set, the same
 * line end after every segment, counts right, every envelope closed)
 * X12 -> XML -> X12 and X12 -> JSON -> X12 give the same bytes.
 *
 * X12 whose envelopes are broken (a segment outside ST..SE, a missing
 * trailer) is refused, as are values XML or JSON cannot carry (control
 * characters, bytes that are not UTF-8).  Errors carry the X12 segment,
 * or the XML or JSON line, and never a value unless show_data is set.
 */
#ifndef X12KIT_CONVERT_H
#define X12KIT_CONVERT_H

#include <x12kit/common.h>
#include <x12kit/schema.h>
#include <x12kit/writer.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum x12kit_format {
  X12KIT_FORMAT_AUTO = 0,     /* input only: detected from the first bytes */
  X12KIT_FORMAT_X12 = 1,
  X12KIT_FORMAT_XML = 2,
  X12KIT_FORMAT_JSON = 3      /* JSON Lines */
} x12kit_format;

/*
 * Reads up to |size| bytes into |buf|.  Returns the number read, 0 at
 * the end of input, or a negative number on a read failure.
 */
typedef long (*x12kit_read_fn)(void *user_data, char *buf, size_t size);

typedef struct x12kit_convert_options {
  int show_data;              /* copy offending values into x12kit_error.value */
  size_t max_document;        /* longest JSON line and longest XML segment, in bytes;
                                 0: X12KIT_CONVERT_MAX_DOCUMENT */
} x12kit_convert_options;

#define X12KIT_CONVERT_MAX_DOCUMENT (64u * 1024u * 1024u)

/*
 * The format of input starting with |buf| (|len| bytes; a few hundred
 * are plenty): X12 when it starts with "ISA" (after blanks or a UTF-8
 * byte order mark), XML with "<", JSON with "{"; X12KIT_FORMAT_AUTO
 * when none fits.
 */
X12KIT_EXTERN x12kit_format x12kit_format_detect(const char *buf, size_t len);

/* "x12", "xml", "json"; "auto" for X12KIT_FORMAT_AUTO. */
X12KIT_EXTERN const char *x12kit_format_name(x12kit_format f);

/* The format named |name| ("x12", "xml", "json", any case), or -1. */
X12KIT_EXTERN int x12kit_format_parse(const char *name);

/*
 * Converts what |rd| gives from |from| (X12KIT_FORMAT_AUTO: detected)
 * to |to| and writes it through |wr|.  |schema| gives the loops and
 * names; |opt| and |mem| may be NULL.
 *
 * Returns X12KIT_OK, or a negative status with |err| (may be NULL)
 * filled: X12KIT_ERR_SYNTAX or X12KIT_ERR_ENVELOPE (and the lexer's
 * codes) for input that cannot be converted, with err->pos locating it
 * (an X12 segment, or err->pos.line the XML or JSON line);
 * X12KIT_ERR_IO when |rd| or |wr| failed; X12KIT_ERR_NOMEM;
 * X12KIT_ERR_ARG.  Output is written as it is made: after an error
 * what was written stays written and is incomplete; discard it.
 */
X12KIT_EXTERN int x12kit_convert(const x12kit_schema *schema, x12kit_format from,
                                 x12kit_format to, x12kit_read_fn rd, void *rd_data,
                                 x12kit_write_fn wr, void *wr_data,
                                 const x12kit_convert_options *opt, const x12kit_mem *mem,
                                 x12kit_error *err);

/* The same for |len| bytes in memory. */
X12KIT_EXTERN int x12kit_convert_buffer(const x12kit_schema *schema, x12kit_format from,
                                        x12kit_format to, const char *buf, size_t len,
                                        x12kit_write_fn wr, void *wr_data,
                                        const x12kit_convert_options *opt,
                                        const x12kit_mem *mem, x12kit_error *err);

#ifdef __cplusplus
}
#endif
#endif /* X12KIT_CONVERT_H */
