/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hmp.c - HMP framing and parsers; see hmp.h. */
#include "qemu/hmp.h"

#include <string.h>

#include "base/hex.h"

#define PROMPT_LEN (sizeof HMP_PROMPT - 1)

static int
starts(const char *s, size_t n, const char *prefix)
{
	size_t m = strlen(prefix);

	return n >= m && memcmp(s, prefix, m) == 0;
}

static const char *
find_crlf(const char *buf, size_t len)
{
	return len >= 2 ? memmem(buf, len, "\r\n", 2) : NULL;
}

int
hmp_banner_check(const char *buf, size_t len, struct err *e)
{
	const char *nl;
	size_t n = len < 5 ? len : 5, rest;

	if (memcmp(buf, "QEMU ", n) != 0)
		return err_set(e, "the monitor did not greet like QEMU's HMP "
		    "(no \"QEMU ... monitor\" banner)");
	nl = find_crlf(buf, len);
	if (nl == NULL) {
		if (len > HMP_BANNER_MAX)
			return err_set(e, "the HMP banner is too long");
		return 0;
	}
	if (memmem(buf, (size_t)(nl - buf), "monitor", 7) == NULL)
		return err_set(e, "the monitor did not greet like QEMU's HMP "
		    "(no \"QEMU ... monitor\" banner)");
	rest = len - (size_t)(nl + 2 - buf);
	if (rest > PROMPT_LEN)
		return err_set(e, "unexpected bytes after the HMP banner");
	if (memcmp(nl + 2, HMP_PROMPT, rest) != 0)
		return err_set(e, "the HMP banner is not followed by the "
		    "(qemu) prompt");
	return rest == PROMPT_LEN;
}

int
hmp_reply_complete(const char *buf, size_t len)
{
	const char *nl, *r;
	size_t rn;

	/* Cheap test first: a caller may ask after every byte. */
	if (len < PROMPT_LEN + 2 ||
	    memcmp(buf + len - PROMPT_LEN, HMP_PROMPT, PROMPT_LEN) != 0)
		return 0;
	if ((nl = find_crlf(buf, len)) == NULL)
		return 0;
	r = nl + 2;
	rn = len - (size_t)(r - buf);
	if (rn < PROMPT_LEN ||
	    memcmp(r + rn - PROMPT_LEN, HMP_PROMPT, PROMPT_LEN) != 0)
		return 0;
	/* The prompt starts a line: it follows the echo's "\r\n" or the
	 * "\n" of the last reply line. */
	return rn == PROMPT_LEN || r[rn - PROMPT_LEN - 1] == '\n';
}

size_t
hmp_reply_clean(const char *raw, size_t len, char *out)
{
	const char *nl = find_crlf(raw, len);
	size_t i, o = 0;

	if (nl != NULL) {
		len -= (size_t)(nl + 2 - raw);
		raw = nl + 2;
	}
	if (len >= PROMPT_LEN &&
	    memcmp(raw + len - PROMPT_LEN, HMP_PROMPT, PROMPT_LEN) == 0)
		len -= PROMPT_LEN;
	for (i = 0; i < len; i++) {
		char c = raw[i];

		if (c == '\x1b') {
			/* ESC [ params final: skip the whole sequence. */
			if (i + 1 < len && raw[i + 1] == '[') {
				i += 2;
				while (i < len && ((raw[i] >= '0' &&
				    raw[i] <= '?')))
					i++;
				/* i is on the final byte (or past len). */
			}
			continue;
		}
		if (c == '\r')
			continue;
		out[o++] = c;
	}
	out[o] = '\0';
	return o;
}

enum monerr_kind
hmp_error_kind(const char *text, size_t len)
{
	if (starts(text, len, "Error: ") || starts(text, len, "unknown command:"))
		return monerr_classify(NULL, text, len);
	if (memmem(text, len, "Try \"help ", 10) != NULL ||
	    memmem(text, len, ": extraneous characters", 23) != NULL)
		return MONERR_OTHER;
	return MONERR_NONE;
}

/* --- line helpers ----------------------------------------------------- */

struct cursor {
	const char *p, *end;
};

/* Next line without its "\n" / "\r\n"; 0 at the end. */
static int
next_line(struct cursor *c, const char **line, size_t *n)
{
	const char *nl;

	if (c->p >= c->end)
		return 0;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	*line = c->p;
	*n = (size_t)((nl ? nl : c->end) - c->p);
	c->p = nl ? nl + 1 : c->end;
	if (*n > 0 && (*line)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

static void
skip_spaces(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
}

/* Eat `word`, then spaces. */
static int
eat(const char **s, size_t *n, const char *word)
{
	size_t m = strlen(word);

	if (*n < m || memcmp(*s, word, m) != 0)
		return 0;
	*s += m;
	*n -= m;
	return 1;
}

/* A decimal of 1..4 digits, then spaces. */
static int
eat_num(const char **s, size_t *n, int *out)
{
	int v = 0, d = 0;

	while (*n > 0 && **s >= '0' && **s <= '9' && d < 5) {
		v = v * 10 + (**s - '0');
		(*s)++;
		(*n)--;
		d++;
	}
	if (d == 0 || d > 4)
		return 0;
	*out = v;
	return 1;
}

/* "Bus  0, device   1, function 3:" (leading spaces already skipped). */
static int
header_line(const char *s, size_t n, int *bus, int *slot, int *func)
{
	if (!eat(&s, &n, "Bus"))
		return 0;
	skip_spaces(&s, &n);
	if (!eat_num(&s, &n, bus) || !eat(&s, &n, ","))
		return 0;
	skip_spaces(&s, &n);
	if (!eat(&s, &n, "device"))
		return 0;
	skip_spaces(&s, &n);
	if (!eat_num(&s, &n, slot) || !eat(&s, &n, ","))
		return 0;
	skip_spaces(&s, &n);
	if (!eat(&s, &n, "function"))
		return 0;
	skip_spaces(&s, &n);
	if (!eat_num(&s, &n, func) || !eat(&s, &n, ":"))
		return 0;
	skip_spaces(&s, &n);
	return n == 0;
}

static int
hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	int i, h;

	for (i = 0; i < 4; i++) {
		if ((h = hex_digit(s[i])) < 0)
			return 0;
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return 1;
}

/* "Ethernet controller: PCI device 1af4:1000" */
static int
class_line(const char *s, size_t n, struct pci_fn *fn)
{
	static const char tag[] = ": PCI device ";
	const size_t tl = sizeof tag - 1;
	size_t cl;

	if (n < tl + 9 || memcmp(s + n - 9 - tl, tag, tl) != 0 ||
	    s[n - 5] != ':')
		return 0;
	if (!hex4(s + n - 9, &fn->vendor) || !hex4(s + n - 4, &fn->device))
		return 0;
	cl = n - 9 - tl;
	if (cl >= sizeof fn->class_text)
		cl = sizeof fn->class_text - 1;
	memcpy(fn->class_text, s, cl);
	fn->class_text[cl] = '\0';
	return 1;
}

/* `id "nic-6f1a2b3c-pci-5"`: the text between the first and last quote. */
static int
id_line(const char *s, size_t n, struct pci_fn *fn)
{
	size_t il;

	if (n < 5 || memcmp(s, "id \"", 4) != 0 || s[n - 1] != '"')
		return 0;
	il = n - 5;
	if (il >= sizeof fn->id)
		il = sizeof fn->id - 1;	/* QEMU allows longer ids; keep a prefix */
	memcpy(fn->id, s + 4, il);
	fn->id[il] = '\0';
	return 1;
}

/* A bridge's "secondary bus 1." line. */
static int
secondary_line(const char *s, size_t n, struct pci_fn *fn)
{
	int bus;

	if (!eat(&s, &n, "secondary bus ") || !eat_num(&s, &n, &bus) ||
	    !eat(&s, &n, ".") || n != 0 || bus > 255)
		return 0;
	fn->bridge = pci_bridge_kind_of(fn->vendor, fn->device);
	fn->sec_bus = bus;
	return 1;
}

int
hmp_parse_info_pci(const char *buf, size_t len, struct pci_info *pi,
    struct err *e)
{
	struct cursor c = { buf, buf + len };
	struct pci_fn fn;
	const char *line;
	size_t n;
	int have = 0, have_class = 0, bus, slot, func;

	while (next_line(&c, &line, &n)) {
		skip_spaces(&line, &n);
		if (n == 0)
			continue;
		if (header_line(line, n, &bus, &slot, &func)) {
			if (have && pci_info_add(pi, &fn, e) < 0)
				return -1;
			if (bus > 255 || slot > 31 || func > 7)
				return err_set(e, "info pci lists an impossible "
				    "address: bus %d, slot %d, function %d",
				    bus, slot, func);
			memset(&fn, 0, sizeof fn);
			fn.bus = bus;
			fn.slot = slot;
			fn.func = func;
			have = 1;
			have_class = 0;
			continue;
		}
		if (!have) {
			if (hmp_error_kind(line, n) != MONERR_NONE)
				return err_set(e, "info pci failed: %.*s",
				    (int)(n > 200 ? 200 : n), line);
			return err_set(e, "unexpected reply to info pci: "
			    "'%.*s'", (int)(n > 80 ? 80 : n), line);
		}
		if (!have_class && class_line(line, n, &fn)) {
			have_class = 1;
			continue;
		}
		if (have_class && secondary_line(line, n, &fn))
			continue;
		id_line(line, n, &fn);	/* other lines: BARs, IRQ, bridge ranges */
	}
	if (have && pci_info_add(pi, &fn, e) < 0)
		return -1;
	return 0;
}

int
hmp_parse_info_version(const char *buf, size_t len, struct qemu_version *v,
    struct err *e)
{
	const char *s = buf;
	size_t n = len, pl;
	int *part[3] = { &v->major, &v->minor, &v->micro };
	int i;

	memset(v, 0, sizeof *v);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	    s[n - 1] == ' '))
		n--;
	skip_spaces(&s, &n);
	for (i = 0; i < 3; i++) {
		if (!eat_num(&s, &n, part[i]) ||
		    (i < 2 && !eat(&s, &n, ".")))
			return err_set(e, "unexpected reply to info version: "
			    "'%.*s'", (int)(len > 80 ? 80 : len), buf);
	}
	if (memchr(s, '\n', n) != NULL)
		return err_set(e, "unexpected reply to info version: '%.*s'",
		    (int)(len > 80 ? 80 : len), buf);
	skip_spaces(&s, &n);
	if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
		s++;
		n -= 2;
	}
	pl = n < sizeof v->package ? n : sizeof v->package - 1;
	memcpy(v->package, s, pl);
	v->package[pl] = '\0';
	return 0;
}
