/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_inject.c - no typed value ever becomes an extra monitor option or
 * command.  Every field a user can give (hotplug's mac, model, backend/tap,
 * uuid, slot, path, format; unplug's id; reserve's slot; the instance name)
 * gets ',', '=', a newline, a NUL, quotes, spaces, backslashes, escape
 * sequences, JSON and QemuOpts fragments and very long strings, typed
 * through the command language (cmd_exec) so they take the real path:
 * tokenizer -> hotplug -> moncmd -> monitor.  Against a real paused QEMU
 * (-nodefaults, so the bus, `info network` and `info block` start empty),
 * over HMP and over QMP.  Afterwards QEMU must show exactly what the
 * runtime file says was added -- no "evil" device, netdev or drive, every
 * disk on exactly the file that was named -- and still answer.
 *
 * Plus the bytes themselves (moncmd, no QEMU): every HMP line ends in one
 * newline whatever its length, and the language has no raw pass-through.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "qemu/mon.h"
#include "qemu/moncmd.h"
#include "store/store.h"
#include "testutil.h"

/* Values aimed at HMP's and QMP's syntax; "evil" marks what must never
 * reach QEMU as a name.  The NUL one is given with its length. */
static const char *const nasty[] = {
	",",
	"a,b",
	"a=b",
	"x,id=evil",
	"x,,id=evil",
	"x\nnetdev_add user,id=evil",
	"x\r\ndevice_add e1000,id=evil",
	"x\tevil",
	"x\033[Aevil",
	"x\"evil",
	"x'evil",
	"x evil",
	"x\\evil",
	"x\",\"id\":\"evil",
	"x}{\"execute\":\"quit\"}",
	"x;evil",
	"-evil",
	"id=evil",
	"\xc3\x28" "evil",		/* not UTF-8 */
};
#define NNASTY (sizeof nasty / sizeof nasty[0])

/* Quote a value for the command language: "..." with \" and \\. */
static void
quote(const char *v, size_t vlen, char *out, size_t outsz)
{
	size_t o = 0, i;

	out[o++] = '"';
	for (i = 0; i < vlen && o + 4 < outsz; i++) {
		if (v[i] == '"' || v[i] == '\\')
			out[o++] = '\\';
		out[o++] = v[i];
	}
	out[o++] = '"';
	out[o] = '\0';
}

struct fx {
	char *dir;
	char rt[4200];
	char ep[4200];
	struct fleet f;
	struct cmd_ctx c;
	int tried, accepted;
};

/* Run a line of exactly len bytes; 1 accepted, 0 refused (one line). */
static int
run(struct fx *x, const char *line, size_t len)
{
	struct cmd_result r;
	int ok;

	cmd_exec(&x->c, line, len, &r);
	ck_assert_ptr_nonnull(r.text);
	ok = r.ok;
	if (!ok)
		ck_assert_msg(strchr(r.text, '\n') == NULL, "not one line: %s",
		    r.text);
	cmd_result_free(&r);
	x->tried++;
	x->accepted += ok;
	return ok;
}

/* "hotplug vm TYPE KEY=<value>" with value quoted; plus the NUL case. */
static int
try_field(struct fx *x, const char *type, const char *key, const char *v,
    size_t vlen, const char *more)
{
	char q[16384], line[17000];
	int n;

	quote(v, vlen, q, sizeof q);
	n = snprintf(line, sizeof line, "hotplug vm %s %s %s=%s", type,
	    more ? more : "", key, q);
	return run(x, line, (size_t)n);
}

/* Ask the monitor for a text report (HMP directly, QMP through
 * human-monitor-command).  Returns malloc'd text. */
static char *
ask(struct fx *x, const char *what)
{
	struct mon *m;
	struct err e;
	char q[256];
	const struct mon_result *r;
	char *t;
	int op;

	m = mon_new(x->ep, NULL, &e);
	ck_assert_msg(m != NULL, "%s", e.msg);
	snprintf(q, sizeof q, "{\"execute\": \"human-monitor-command\", "
	    "\"arguments\": {\"command-line\": \"%s\"}}", what);
	op = mon_add(m, &(struct mon_req){ .op = MON_OP_RAW, .hmp = what,
	    .qmp = q }, &e);
	ck_assert_int_ge(op, 0);
	ck_assert_msg(mon_run(m, &e) == 0, "%s: %s", what, e.msg);
	r = mon_result(m, op);
	ck_assert_msg(r->ok, "%s: %s", what, r->msg);
	t = strdup(r->text ? r->text : "");
	mon_free(m);
	ck_assert_ptr_nonnull(t);
	return t;
}

/* QMP's raw text is the "return" as JSON: a JSON string with \n escapes.
 * Turn it back into lines. */
static void
unjson(char *t)
{
	json_error_t je;
	json_t *j = json_loads(t, JSON_DECODE_ANY, &je);

	if (json_is_string(j)) {
		snprintf(t, strlen(t) + 1, "%s", json_string_value(j));
	}
	json_decref(j);
}

/* QEMU shows exactly what the runtime file holds. */
static void
verify(struct fx *x)
{
	struct store_rt rt;
	struct err e;
	char *pci, *net, *blk, *ver, *line, *save;
	size_t i;
	int nics = 0, disks = 0, nnet = 0, nblk = 0;

	ck_assert_msg(store_load(x->rt, "vm", &rt, &e) == 0, "%s", e.msg);
	pci = ask(x, "info pci");
	net = ask(x, "info network");
	blk = ask(x, "info block");
	ver = ask(x, "info version");
	unjson(pci);
	unjson(net);
	unjson(blk);
	unjson(ver);
	ck_assert_msg(strstr(ver, "7.") != NULL || strstr(ver, "8.") != NULL ||
	    strstr(ver, "9.") != NULL, "monitor no longer sane: %s", ver);
	for (i = 0; i < rt.ndev; i++) {
		const struct store_dev *d = &rt.dev[i];
		char want[1200];

		/* the device is live under its own id */
		snprintf(want, sizeof want, "id \"%s\"", d->id);
		ck_assert_msg(strstr(pci, want) != NULL, "%s not live", d->id);
		if (strcmp(d->type, "disk") == 0) {
			/* "drive-x (#blockN): PATH (fmt)" (HMP drive_add) or
			 * "drive-x: PATH (fmt)" (QMP blockdev-add) */
			snprintf(want, sizeof want, ": %s (%s)",
			    d->backend.path, d->backend.format);
			ck_assert_msg(strstr(blk, want) != NULL,
			    "disk %s: '%s' not in info block:\n%s", d->id,
			    d->backend.path, blk);
			disks++;
		} else
			nics++;
	}
	ck_assert_msg(strstr(pci, "evil") == NULL, "info pci:\n%s", pci);
	ck_assert_msg(strstr(net, "evil") == NULL, "info network:\n%s", net);
	/* names at the start of a line are devices/backends: count them */
	for (line = strtok_r(net, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		if (line[0] != ' ' && line[0] != '\r')
			nnet++;
	for (line = strtok_r(blk, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		if (line[0] != ' ' && line[0] != '\r' && strstr(line, ": /"))
			nblk++;
	/* each NIC shows as itself; a user backend hangs under it */
	ck_assert_int_eq(nnet, nics);
	ck_assert_int_eq(nblk, disks);
	{
		/* every qdev id on the bus is one of the runtime's */
		const char *p = pci;
		int ids = 0;

		while ((p = strstr(p, "id \"")) != NULL) {
			p += 4;
			if (*p != '"')
				ids++;
		}
		ck_assert_int_eq(ids, (int)rt.ndev);
	}
	store_rt_free(&rt);
	free(pci);
	free(net);
	free(blk);
	free(ver);
}

static char *qdir;

static void
qemu_up(void)
{
	qdir = NULL;
	if (tu_missing_qemu() != NULL)	/* the checks skip, saying so */
		return;
	qdir = tu_tmpdir();
	if (tu_qemu_start(qdir, "pc", "-nodefaults") < 0) {
		tu_qemu_stop(qdir);
		ck_abort_msg("QEMU did not start");
	}
}

static void
qemu_down(void)
{
	if (qdir == NULL)
		return;
	tu_qemu_stop(qdir);
	tu_rmrf(qdir);
	free(qdir);
}

static void
fx_init(struct fx *x, const char *sock)
{
	struct err e;

	memset(x, 0, sizeof *x);
	x->dir = qdir;
	snprintf(x->rt, sizeof x->rt, "%s/rt", qdir);
	snprintf(x->ep, sizeof x->ep, "unix:%s/%s", qdir, sock);
	fleet_init(&x->f, x->rt);
	ck_assert_int_eq(fleet_add(&x->f, "vm", x->ep, &e), 0);
	fleet_refresh_start(&x->f, 0, 1);
	fleet_refresh_wait(&x->f, 0);
	ck_assert_msg(x->f.inst[0].conn == INST_OK, "%s", x->f.inst[0].error);
	x->c.fleet = &x->f;
	x->c.audit_log = NULL;
	x->c.unplug_wait_ms = 0;
}

static void
attack(const char *sock)
{
	static const char *const nic_keys[] = { "mac", "model", "uuid", "slot",
	    "backend", NULL };
	static const char *const disk_keys[] = { "format", "uuid", "slot",
	    NULL };
	struct fx x;
	char v[8192], path[8192], line[9000];
	size_t i, k;
	int disks_ok = 0, n;

	fx_init(&x, sock);
	for (i = 0; i < NNASTY; i++) {
		for (k = 0; nic_keys[k]; k++) {
			/* tap:VALUE for the backend; the value itself else */
			snprintf(v, sizeof v, "%s%s",
			    strcmp(nic_keys[k], "backend") == 0 ? "tap:" : "",
			    nasty[i]);
			ck_assert_msg(!try_field(&x, "nic", nic_keys[k], v,
			    strlen(v), NULL), "nic %s=%s accepted",
			    nic_keys[k], v);
		}
		for (k = 0; disk_keys[k]; k++)
			ck_assert_msg(!try_field(&x, "disk", disk_keys[k],
			    nasty[i], strlen(nasty[i]), "path=/dev/null"),
			    "disk %s=%s accepted", disk_keys[k], nasty[i]);
		/* a disk image whose NAME is the nasty value: accepted
		 * where the protocol can carry it, and then QEMU must open
		 * exactly that file */
		snprintf(path, sizeof path, "%s/img%s", x.dir, nasty[i]);
		if (strchr(nasty[i], '/') == NULL) {
			FILE *f = fopen(path, "w");

			if (f != NULL) {
				ck_assert_int_eq(ftruncate(fileno(f), 1 << 20),
				    0);
				fclose(f);
			}
		}
		disks_ok += try_field(&x, "disk", "path", path, strlen(path),
		    NULL);
		/* unplug, reserve, show: ids and slots */
		quote(nasty[i], strlen(nasty[i]), v, sizeof v);
		n = snprintf(line, sizeof line, "unplug vm %s", v);
		ck_assert(!run(&x, line, (size_t)n));
		n = snprintf(line, sizeof line, "reserve vm %s", v);
		ck_assert(!run(&x, line, (size_t)n));
		n = snprintf(line, sizeof line, "hotplug %s nic", v);
		ck_assert(!run(&x, line, (size_t)n));
	}
	/* a NUL inside a value, and a NUL splitting the line */
	ck_assert(!try_field(&x, "nic", "model", "e1000\0,id=evil", 15, NULL));
	ck_assert(!run(&x, "hotplug vm nic\0; quit", 21));
	ck_assert(!run(&x, "reserve vm 7\0 8", 15));
	/* very long values in each field */
	memset(v, 'A', 5000);
	v[5000] = '\0';
	for (k = 0; nic_keys[k]; k++)
		ck_assert(!try_field(&x, "nic", nic_keys[k], v, 5000, NULL));
	ck_assert(!try_field(&x, "disk", "path", v, 5000, NULL));
	n = snprintf(line, sizeof line, "unplug vm %.5000s", v);
	ck_assert(!run(&x, line, (size_t)n));
	/* plain paths with commas etc. were accepted at least for ',' and
	 * '=' (HMP escapes ',' by doubling, QMP is JSON) */
	ck_assert_msg(disks_ok >= 4, "only %d disks added", disks_ok);
	verify(&x);
	fleet_free(&x.f);
}

START_TEST(hmp_real_qemu)
{
	attack("hmp.sock");
}
END_TEST

START_TEST(qmp_real_qemu)
{
	attack("qmp.sock");
}
END_TEST

/* moncmd: whatever the length, an HMP line ends in exactly one newline,
 * so the next command can never continue it (a 1023-byte line once lost
 * it: tests/fuzz/regressions/moncmd-hmp-line-1023-bytes-lost-newline). */
START_TEST(hmp_line_always_ends)
{
	struct moncmd_drive d = { .id = "drive-x", .file = NULL,
	    .format = "raw" };
	char file[2048];
	char *out;
	struct err e;
	size_t len, ok = 0;

	d.file = file;
	for (len = 900; len < 1100; len++) {
		memset(file, 'f', len);
		file[0] = '/';
		file[len] = '\0';
		if (moncmd_drive_add(MON_PROTO_HMP, &d, &out, &e) < 0) {
			ck_assert_ptr_null(out);
			ck_assert_ptr_nonnull(strstr(e.msg, "longer than"));
			continue;
		}
		ck_assert_int_le(strlen(out), MONCMD_HMP_MAX + 1);
		ck_assert_int_eq(out[strlen(out) - 1], '\n');
		ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
		free(out);
		ok++;
	}
	ck_assert_int_gt(ok, 50);
}
END_TEST

/* A value that is not UTF-8 is refused for both protocols: jansson would
 * drop it from the QMP arguments without a word. */
START_TEST(non_utf8_refused)
{
	struct moncmd_prop p = { "serial", "ab\xff" };
	struct moncmd_device d = { "virtio-blk-pci", "disk-1", "pci.0", 5, 0,
	    &p, 1 };
	char *out;
	struct err e;

	ck_assert_int_eq(moncmd_device_add(MON_PROTO_QMP, &d, &out, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "UTF-8"));
	ck_assert_int_eq(moncmd_device_add(MON_PROTO_HMP, &d, &out, &e), -1);
	p.val = "\xc3\xa9t\xc3\xa9";	/* "été" is fine */
	ck_assert_int_eq(moncmd_device_add(MON_PROTO_QMP, &d, &out, &e), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"serial\":\"\xc3\xa9t\xc3\xa9\""));
	free(out);
}
END_TEST

/* The command language has no raw pass-through: nothing typed reaches a
 * monitor except through the structured commands. */
START_TEST(no_raw_passthrough)
{
	const char *name;
	struct fleet f;
	struct cmd_ctx c;
	struct cmd_result r;
	struct err e;
	size_t i;

	for (i = 0; (name = cmd_name(NULL, i)) != NULL; i++)
		ck_assert_msg(strcmp(name, "raw") != 0 &&
		    strcmp(name, "hmp") != 0 && strcmp(name, "qmp") != 0,
		    "'%s' passes text through: it must be off unless "
		    "--allow-raw", name);
	fleet_init(&f, "/nonexistent");
	ck_assert_int_eq(fleet_add(&f, "vm", "unix:/nonexistent/x", &e), 0);
	memset(&c, 0, sizeof c);
	c.fleet = &f;
	cmd_exec(&c, "raw vm info pci", 15, &r);
	ck_assert_int_eq(r.ok, 0);
	ck_assert_ptr_nonnull(strstr(r.text, "unknown command"));
	cmd_result_free(&r);
	fleet_free(&f);
}
END_TEST

Suite *
inject_suite(void)
{
	Suite *s = suite_create("inject");
	TCase *t = tu_tcase_new(s, "bytes", NULL, NULL, NULL, 0);

	tcase_add_test(t, hmp_line_always_ends);
	tcase_add_test(t, non_utf8_refused);
	tcase_add_test(t, no_raw_passthrough);
	t = tu_tcase_new(s, "qemu", tu_missing_qemu(), qemu_up, qemu_down,
	    120);
	tcase_add_test(t, hmp_real_qemu);
	t = tu_tcase_new(s, "qemu-qmp", tu_missing_qemu(), qemu_up, qemu_down,
	    120);
	tcase_add_test(t, qmp_real_qemu);
	return s;
}
