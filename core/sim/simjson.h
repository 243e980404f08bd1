/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simjson.h - JSON text exactly as QEMU 7.2's QMP writes it: objects in
 * QDict walking order (simqdict.h), ", " and ": " separators, strings
 * escaped like to_json() (\uXXXX in upper case for controls and all
 * non-ASCII, U+FFFD for bad UTF-8), reals as %.17g.
 *
 * Values are jansson's; the text is appended to a caller-owned strbuf.
 */
#ifndef SLOTSCOPE_SIMJSON_H
#define SLOTSCOPE_SIMJSON_H

#include <jansson.h>
#include <stddef.h>

#include "base/strbuf.h"

/* Append j (nesting deeper than 64 is written as null). */
void simjson_write(struct strbuf *o, json_t *j);
/* Append s[0..n) as a JSON string. */
void simjson_string(struct strbuf *o, const char *s, size_t n);
/* One QMP line: j, then "\r\n".  Takes over (decrefs) j. */
void simjson_line(struct strbuf *o, json_t *j);

#endif
