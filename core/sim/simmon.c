/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simmon.c - the events both monitors cause; see simmon.h. */
#include "sim/simmon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "base/strbuf.h"
#include "sim/simjson.h"

void
simmon_event(struct simmon_ctx *c, const char *name, const char *data)
{
	struct strbuf o;
	struct timeval tv;

	if (c->event == NULL)
		return;
	gettimeofday(&tv, NULL);
	strbuf_init(&o);
	/* bucket order: timestamp (26), event (361), data (505) */
	strbuf_printf(&o, "{\"timestamp\": {\"seconds\": %lld, "
	    "\"microseconds\": %lld}, \"event\": \"%s\"",
	    (long long)tv.tv_sec, (long long)tv.tv_usec, name);
	if (data)
		strbuf_printf(&o, ", \"data\": %s", data);
	strbuf_str(&o, "}\r\n");
	c->event(c->event_arg, o.p, o.n);
	strbuf_free(&o);
}

void
simmon_complete_unplugs(struct simmon_ctx *c, int all)
{
	struct simdev_gone gone[64];
	size_t n, i;

	do {
		n = simdev_complete(c->m, c->now_ms, all, gone, 64);
		for (i = 0; i < n && i < 64; i++) {
			struct strbuf d;
			json_t *path;

			strbuf_init(&d);
			if (gone[i].refused) {
				/* bucket order: device (49), path (253) */
				strbuf_str(&d, "{\"device\": ");
				simjson_string(&d, gone[i].id,
				    strlen(gone[i].id));
				strbuf_str(&d, ", \"path\": ");
				simjson_string(&d, gone[i].path,
				    strlen(gone[i].path));
				strbuf_str(&d, "}");
				simmon_event(c, "DEVICE_UNPLUG_GUEST_ERROR",
				    d.p);
				strbuf_free(&d);
				continue;
			}
			if (gone[i].virtio) {
				char *bp;

				if (asprintf(&bp, "%s/virtio-backend",
				    gone[i].path) >= 0) {
					path = json_string(bp);
					free(bp);
					strbuf_str(&d, "{\"path\": ");
					simjson_write(&d, path);
					strbuf_str(&d, "}");
					json_decref(path);
					simmon_event(c, "DEVICE_DELETED", d.p);
					d.n = 0;
				}
			}
			/* bucket order: device (49), path (253) */
			strbuf_str(&d, "{");
			if (gone[i].id[0]) {
				strbuf_str(&d, "\"device\": ");
				simjson_string(&d, gone[i].id,
				    strlen(gone[i].id));
				strbuf_str(&d, ", ");
			}
			strbuf_str(&d, "\"path\": ");
			simjson_string(&d, gone[i].path, strlen(gone[i].path));
			strbuf_str(&d, "}");
			simmon_event(c, "DEVICE_DELETED", d.p);
			strbuf_free(&d);
		}
	} while (n > 64);
}

/* RESET first; over QMP the deletions follow the reply (simqmp.c),
 * over HMP they follow at once. */
void
simmon_system_reset(struct simmon_ctx *c, int from_qmp)
{
	simmon_event(c, "RESET",
	    "{\"guest\": false, \"reason\": \"host-qmp-system-reset\"}");
	if (!from_qmp)
		simmon_complete_unplugs(c, 1);
}
