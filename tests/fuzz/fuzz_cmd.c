/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_cmd.c - libFuzzer target: the command language (tokenizer, every
 * command's argument parsing, completion) on any line, against a fleet of
 * two instances built by hand (a fresh `pc` bus plus a foreign device) with
 * a runtime directory in a private temp dir (fleet_init/fleet_add, the
 * live bus set by hand and marked as seen), so reserve/free really commit.
 * No monitor is reachable (unix:/nonexistent): hotplug/unplug fail fast.
 * Invariants: a result is ok with text and JSON, or failed with one line
 * of text and no JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fleet F;
static struct cmd_ctx C;

static void
addfn(struct pci_info *pi, int slot, int func, const char *id)
{
	struct pci_fn f;
	struct err e;

	memset(&f, 0, sizeof f);
	f.slot = slot;
	f.func = func;
	f.vendor = 0x8086;
	f.device = 0x1237;
	snprintf(f.class_text, sizeof f.class_text, "Host bridge");
	snprintf(f.id, sizeof f.id, "%s", id);
	if (pci_info_add(pi, &f, &e) < 0)
		abort();
}

static void
setup(void)
{
	static char tmpl[] = "/tmp/fuzz_cmd.XXXXXX";
	const char *dir = getenv("FUZZ_CMD_DIR");	/* the Check suite's */
	struct err e;
	size_t i;

	if (dir == NULL && (dir = mkdtemp(tmpl)) == NULL)
		abort();
	fleet_init(&F, dir);
	if (fleet_add(&F, "web1", "unix:/nonexistent/w", &e) != 0 ||
	    fleet_add(&F, "db1", "unix:/nonexistent/d", &e) != 1)
		abort();
	for (i = 0; i < 2; i++) {
		struct instance *in = &F.inst[i];

		snprintf(in->protocol, sizeof in->protocol, "qmp");
		in->version.major = 7;
		in->version.minor = 2;
		in->conn = INST_OK;
		in->last_refresh = 1;	/* seen: no monitor is asked */
		pci_info_clear(&in->live);
		addfn(&in->live, 0, 0, "");
		addfn(&in->live, 1, 0, "");
		addfn(&in->live, 1, 3, "");
		addfn(&in->live, 2, 0, "");
		addfn(&in->live, 3, 0, "");
	}
	addfn(&F.inst[0].live, 9, 0, "someone-elses");
	C.fleet = &F;
	C.audit_log = NULL;
	C.unplug_wait_ms = 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmd_result r;
	char **c;
	size_t i;

	if (C.fleet == NULL)
		setup();
	memset(&r, 0, sizeof r);
	cmd_exec(&C, (const char *)data, size, &r);
	if (r.text == NULL)
		abort();
	if (r.ok) {
		if (r.json == NULL)
			abort();
	} else if (!json_is_object(r.json) ||
	    !json_is_string(json_object_get(r.json, "error")) ||
	    strchr(r.text, '\n') != NULL)
		abort();	/* a failure: one line and a JSON error */
	cmd_result_free(&r);
	/* completion takes a NUL-terminated line */
	if (size < 512 && memchr(data, '\0', size) == NULL) {
		char line[512];

		memcpy(line, data, size);
		line[size] = '\0';
		c = cmd_complete(&C, line, size);
		for (i = 0; c != NULL && c[i] != NULL; i++)
			if (strlen(c[i]) > 4096)
				abort();
		cmd_completions_free(c);
		c = cmd_complete(&C, line, size / 2);
		cmd_completions_free(c);
	}
	return 0;
}
