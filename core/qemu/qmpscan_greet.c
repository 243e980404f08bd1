/* SPDX-License-Identifier: GPL-3.0-or-later */
/* qmpscan_greet.c - QEMU's own greeting read at once (qs_greeting_fast,
 * qmpscan_int.h): every session starts with it, and QEMU writes it the
 * same way each time but for the numbers and strings in it, so those
 * bytes are compared as a whole and the numbers and strings read where
 * they are, in front of qmpscan_msg.c's member-by-member reader, which
 * takes everything else (other blanks or order, escapes, more members,
 * pretty=on) as before.  tests/unit/check_qmpfast.c compares the two on
 * both QEMUs' greetings, cut and changed. */
#include "qemu/qmpscan_int.h"

#include <string.h>

/* Past the literal s (n bytes) at *p: 1, else 0 (*p as it was). */
QS_HOT int
lit(const char **p, const char *end, const char *s, size_t n)
{
	if ((size_t)(end - *p) < n || memcmp(*p, s, n) != 0)
		return 0;
	*p += n;
	return 1;
}
#define LIT(p, end, s) lit(&(p), (end), (s), sizeof(s) - 1)

/* An integer of QEMU's form (qs_int_fast) in 0..100000 at *p, as
 * qemu_numbers takes it: 1 with *p past it, else 0. */
QS_HOT int
part(const char **p, const char *end, int *dst)
{
	const char *q;
	long long x;

	if ((q = qs_int_fast(*p, end, &x)) == NULL || x < 0 || x > 100000)
		return 0;
	*dst = (int)x;
	*p = q;
	return 1;
}

/* A plain string (qs_run) at *p, its quotes included: 1 with *p past it
 * and its bytes at *s, *n of them; else 0. */
QS_HOT int
plain(const char **p, const char *end, const char **s, size_t *n)
{
	const char *q;

	if (*p >= end || **p != '"')
		return 0;
	q = qs_run(*p + 1, end);
	if (q >= end || *q != '"')
		return 0;
	*s = *p + 1;
	*n = (size_t)(q - *s);
	*p = q + 1;
	return 1;
}

/* QEMU's own greeting, byte for byte but for its numbers and strings:
 * {"QMP": {"version": {"qemu": {"micro": N, "minor": N, "major": N},
 * "package": "TEXT"}, "capabilities": ["TEXT", ...]}} and blanks, the
 * numbers of qs_int_fast's form in 0..100000, the strings plain (no
 * escape, control or non-ASCII byte) and the package shorter than
 * v->package.  0 with m and v as msg() and qmp_object give them for
 * those bytes (one object each, no duplicate, the capabilities only
 * checked); -1 leaves buf to them, m and v untouched. */
int
qs_greeting_fast(const char *buf, size_t len, struct qmpscan_msg *m,
    struct qemu_version *v)
{
	const char *p = buf, *end = buf + len, *qmp, *pkg, *s;
	size_t npkg, n;
	int x[3];

	if (!LIT(p, end, "{\"QMP\": "))
		return -1;
	qmp = p;
	if (!LIT(p, end, "{\"version\": {\"qemu\": {\"micro\": ") ||
	    !part(&p, end, &x[2]) || !LIT(p, end, ", \"minor\": ") ||
	    !part(&p, end, &x[1]) || !LIT(p, end, ", \"major\": ") ||
	    !part(&p, end, &x[0]) || !LIT(p, end, "}, \"package\": ") ||
	    !plain(&p, end, &pkg, &npkg) || npkg >= sizeof v->package ||
	    !LIT(p, end, "}, \"capabilities\": ["))
		return -1;
	if (p < end && *p != ']')
		do
			if (!plain(&p, end, &s, &n))
				return -1;
		while (LIT(p, end, ", "));
	if (!LIT(p, end, "]}"))
		return -1;
	n = (size_t)(p - qmp);
	if (!LIT(p, end, "}") || qs_blanks_loop(p, end) != end)
		return -1;
	memset(m, 0, sizeof *m);
	m->kind = QMP_MSG_GREETING;
	m->qmp = qmp;
	m->qmplen = n;
	v->major = x[0];
	v->minor = x[1];
	v->micro = x[2];
	memcpy(v->package, pkg, npkg);
	v->package[npkg] = '\0';
	return 0;
}
