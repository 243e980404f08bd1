/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_sim.c - libFuzzer target: the simulator's monitors (simecho,
 * simhmp, simqmp) and machine model (simdev) on any client bytes.  The
 * first byte picks the machine; all bytes go through HMP (readline +
 * commands) and QMP (the JSON stream + commands).  Invariants: every HMP
 * line ends in a prompt, every QMP output line is one JSON object, the
 * bus stays a valid bus. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "sim/simdev.h"
#include "sim/simecho.h"
#include "sim/simhmp.h"
#include "sim/simmon.h"
#include "sim/simqmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
sink(void *arg, const char *line, size_t len)
{
	strbuf_add(arg, line, len);
}

static void
check_bus(const struct simdev_machine *m)
{
	size_t i, named = 0;

	for (i = 0; i < m->nfn; i++) {
		if (m->fn[i].slot < 0 || m->fn[i].slot > 31 ||
		    m->fn[i].func < 0 || m->fn[i].func > 7)
			abort();
		if (i > 0 && m->fn[i - 1].slot * 8 + m->fn[i - 1].func >=
		    m->fn[i].slot * 8 + m->fn[i].func)
			abort();	/* sorted, one device per devfn */
		if (m->fn[i].id)
			named++;
	}
	if (named != m->periph.nnodes)
		abort();		/* every named device is a QOM child */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct simdev_machine m;
	struct simecho rl;
	struct simqmp q;
	struct strbuf out, ev;
	struct simmon_ctx c;
	size_t i, start;

	if (size == 0)
		return 0;
	if (simdev_machine_init(&m, (enum simdev_machine_type)(data[0] % 3))
	    < 0)
		return 0;
	simecho_init(&rl);
	strbuf_init(&out);
	strbuf_init(&ev);
	memset(&c, 0, sizeof c);
	c.m = &m;
	c.fd = -1;
	c.event = sink;
	c.event_arg = &ev;
	for (i = 1; i < size; i++) {
		out.n = 0;
		if (simecho_byte(&rl, data[i], &out)) {
			simhmp_execute(&c, rl.buf, &out);
			if (memchr(out.p, '\0', out.n) != NULL &&
			    memchr(rl.buf, '\0', rl.size) == NULL)
				abort();
		}
		check_bus(&m);
	}
	simqmp_init(&q);
	q.negotiated = data[0] & 4;
	out.n = 0;
	simqmp_input(&q, &c, (const char *)data + 1, size - 1, &out);
	check_bus(&m);
	/* every line QMP wrote parses as one JSON object */
	for (start = 0, i = 0; i + 1 < out.n; i++)
		if (out.p[i] == '\r' && out.p[i + 1] == '\n') {
			json_error_t je;
			json_t *j = json_loadb(out.p + start, i - start, 0,
			    &je);

			if (j == NULL || !json_is_object(j))
				abort();
			json_decref(j);
			start = i + 2;
		}
	if (start != out.n)
		abort();
	simmon_complete_unplugs(&c, 1);
	check_bus(&m);
	simqmp_free(&q);
	strbuf_free(&out);
	strbuf_free(&ev);
	simdev_machine_free(&m);
	return 0;
}
