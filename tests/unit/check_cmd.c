/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_cmd.c - the command language without a monitor: tokenizer, every
 * command, every bad argument (one line, nothing changed), the id/slot
 * choice, show's JSON, help and completion.  The fleet is built by hand
 * with a live bus like a fresh `-machine pc` plus chosen devices. */
#include <check.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "devrows.h"
#include "liststream.h"
#include "store/store.h"
#include "testutil.h"

struct fx {
	char *dir;
	char audit[4096];
	struct fleet f;
	struct cmd_ctx c;
};

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
	ck_assert_int_eq(pci_info_add(pi, &f, &e), 0);
}

/* web1: fresh pc + a foreign device in slot 9; db1: fresh pc.  The live
 * bus is set by hand and marked as seen, so no monitor is asked. */
static void
fx_init(struct fx *x)
{
	struct err e;
	char rt[4200];
	size_t i;

	memset(x, 0, sizeof *x);
	x->dir = tu_tmpdir();
	snprintf(rt, sizeof rt, "%s/rt", x->dir);
	snprintf(x->audit, sizeof x->audit, "%s/audit.log", x->dir);
	fleet_init(&x->f, rt);
	ck_assert_int_eq(fleet_add(&x->f, "web1", "unix:/nonexistent/w", &e),
	    0);
	ck_assert_int_eq(fleet_add(&x->f, "db1", "unix:/nonexistent/d", &e),
	    1);
	for (i = 0; i < 2; i++) {
		struct instance *in = &x->f.inst[i];

		snprintf(in->protocol, sizeof in->protocol, "qmp");
		in->version.major = 7;
		in->version.minor = 2;
		in->version.micro = 22;
		in->conn = INST_OK;
		in->last_refresh = 1;
		pci_info_clear(&in->live);
		addfn(&in->live, 0, 0, "");
		addfn(&in->live, 1, 0, "");
		addfn(&in->live, 1, 1, "");
		addfn(&in->live, 1, 3, "");
		addfn(&in->live, 2, 0, "");
		addfn(&in->live, 3, 0, "");
	}
	addfn(&x->f.inst[0].live, 9, 0, "someone-elses");
	x->c.fleet = &x->f;
	x->c.audit_log = x->audit;
	x->c.unplug_wait_ms = 0;
}

static void
fx_free(struct fx *x)
{
	fleet_free(&x->f);
	tu_rmrf(x->dir);
	free(x->dir);
}

/* Run a command; returns ok, keeps the result in *r (caller frees). */
static int
run(struct fx *x, const char *line, struct cmd_result *r)
{
	cmd_exec(&x->c, line, strlen(line), r);
	return r->ok;
}

/* Run and expect success; returns the text (static copy). */
static const char *
ok(struct fx *x, const char *line)
{
	static char text[8192];
	struct cmd_result r;

	ck_assert_msg(run(x, line, &r) == 1, "'%s' failed: %s", line, r.text);
	ck_assert_ptr_nonnull(r.json);
	snprintf(text, sizeof text, "%s", r.text);
	cmd_result_free(&r);
	return text;
}

/* Run and expect failure with one line containing want. */
static void
bad(struct fx *x, const char *line, const char *want)
{
	struct cmd_result r;

	ck_assert_msg(run(x, line, &r) == 0, "'%s' succeeded", line);
	ck_assert_ptr_nonnull(r.text);
	/* --json's error object (or the command's own, with "error") */
	ck_assert_msg(json_is_string(json_object_get(r.json, "error")),
	    "'%s': no JSON error", line);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json,
	    "schema")), 1);
	ck_assert_msg(strchr(r.text, '\n') == NULL, "'%s': two lines: %s",
	    line, r.text);
	ck_assert_msg(strstr(r.text, want) != NULL, "'%s': got '%s', want "
	    "'%s'", line, r.text, want);
	cmd_result_free(&r);
}

static char *
rtfile(struct fx *x, const char *inst)
{
	char p[8192];

	snprintf(p, sizeof p, "%s/%s.json", x->f.runtime_dir, inst);
	return tu_slurp(p);
}

/* web1's runtime file is still before and the audit log still log (which
 * is freed): the failed commands changed and logged nothing. */
static void
unchanged(struct fx *x, const char *before, char *log)
{
	char *now = rtfile(x, "web1");

	ck_assert_str_eq(before, now);
	free(now);
	now = tu_slurp(x->audit);
	ck_assert_str_eq(log, now);
	free(now);
	free(log);
}

START_TEST(unknown_and_empty)
{
	struct fx x;
	struct cmd_result r;

	fx_init(&x);
	ck_assert_int_eq(run(&x, "frobnicate web1", &r), 0);
	ck_assert_str_eq(r.text, "unknown command 'frobnicate': type help");
	cmd_result_free(&r);
	bad(&x, "", "empty command");
	bad(&x, "   \t ", "empty command");
	bad(&x, "lis", "unknown command 'lis'");
	/* no context at all: commands that need no instance still work */
	cmd_exec(NULL, "list", 4, &r);
	ck_assert_int_eq(r.ok, 1);
	ck_assert_ptr_nonnull(strstr(r.text, "no instances"));
	cmd_result_free(&r);
	cmd_exec(NULL, "show web1", 9, &r);
	ck_assert_int_eq(r.ok, 0);
	cmd_result_free(&r);
	ck_assert_ptr_null(cmd_complete(NULL, "li", 2));
	fx_free(&x);
}
END_TEST

START_TEST(tokenizer)
{
	struct fx x;
	const char *t;

	fx_init(&x);
	t = ok(&x, "id 'nic' \"6f1a2b3c-0000-4000-8000-000000000000\" 5");
	ck_assert_str_eq(t, "nic-6f1a2b3c-pci-5");
	t = ok(&x, "  id\tdisk   0d4e5f60-1111-4222-8333-444444444444 6  ");
	ck_assert_str_eq(t, "disk-0d4e5f60-pci-6");
	t = ok(&x, "id n\\ic 6f1a2b3c-0000-4000-8000-000000000000 3\n");
	ck_assert_str_eq(t, "nic-6f1a2b3c-pci-3");
	bad(&x, "id 'nic 6f1a2b3c-0000-4000-8000-000000000000 5",
	    "unterminated single quote");
	bad(&x, "id \"nic", "unterminated double quote");
	bad(&x, "id nic\\", "ends in a backslash");
	bad(&x, "id nic\x1b[A 6f1a2b3c-0000-4000-8000-000000000000 5",
	    "control characters");
	/* quoted words keep blanks: a type with a blank is refused */
	bad(&x, "id 'n c' 6f1a2b3c-0000-4000-8000-000000000000 5",
	    "must be letters");
	{
		char line[200];
		int i;

		line[0] = '\0';
		for (i = 0; i < 40; i++)
			strcat(line, "x ");
		bad(&x, line, "too many words");
	}
	fx_free(&x);
}
END_TEST

START_TEST(id_and_parse_id)
{
	struct fx x;
	struct cmd_result r;

	fx_init(&x);
	ck_assert_int_eq(run(&x, "parse-id nic-6f1a2b3c-pci-31", &r), 1);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "type")),
	    "nic");
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "uuid8")),
	    "6f1a2b3c");
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "slot")),
	    31);
	cmd_result_free(&r);
	ck_assert_int_eq(run(&x, "id DISK 0d4e5f60-1111-4222-8333-444444444444 "
	    "0", &r), 1);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "id")),
	    "disk-0d4e5f60-pci-0");
	cmd_result_free(&r);
	bad(&x, "id", "usage: id TYPE UUID [BUS] SLOT");
	bad(&x, "id nic 6f1a2b3c-0000-4000-8000-000000000000",
	    "usage: id TYPE UUID [BUS] SLOT");
	bad(&x, "id nic 6f1a2b3c-0000-4000-8000-000000000000 5 6 7",
	    "usage: id TYPE UUID [BUS] SLOT");
	/* behind a bridge: the bus comes before the slot, and parse-id
	 * gives it back */
	ck_assert_str_eq(ok(&x, "id nic 6f1a2b3c-0000-4000-8000-000000000000 "
	    "5 6"), "nic-6f1a2b3c-pci-5-6");
	ck_assert_str_eq(ok(&x, "parse-id nic-6f1a2b3c-pci-2.1-0"),
	    "type nic  uuid 6f1a2b3c...  slot 0  bus 2.1");
	bad(&x, "id nic 6f1a2b3c-0000-4000-8000-000000000000 05 6",
	    "is not a bus");
	bad(&x, "id n1c 6f1a2b3c-0000-4000-8000-000000000000 5",
	    "must be letters");
	bad(&x, "id nic 6f1a2b3c 5", "is not a UUID");
	bad(&x, "id nic 6f1a2b3c-0000-4000-8000-000000000000 32",
	    "give a slot from 0 to 31");
	bad(&x, "id nic 6f1a2b3c-0000-4000-8000-000000000000 x",
	    "not a slot number");
	bad(&x, "id nic 6f1a2b3c-0000-4000-8000-000000000000 -1",
	    "not a slot number");
	bad(&x, "parse-id", "usage: parse-id ID");
	bad(&x, "parse-id a b", "usage: parse-id ID");
	bad(&x, "parse-id nic-6f1a2b3c-pci-32", "parse-id: ");
	bad(&x, "parse-id hostnet0", "not a slotscope device id");
	fx_free(&x);
}
END_TEST

START_TEST(reserve_free_next)
{
	struct fx x;
	struct cmd_result r;
	char *before, *after, *log;

	fx_init(&x);
	ck_assert_str_eq(ok(&x, "next web1"), "4");
	ck_assert_str_eq(ok(&x, "reserve web1 4"), "web1: slot 4 reserved");
	ck_assert_str_eq(ok(&x, "next web1"), "5");
	ck_assert_str_eq(ok(&x, "next db1"), "4");
	before = rtfile(&x, "web1");
	ck_assert_ptr_nonnull(strstr(before,
	    "11111000000000000000000000000000"));
	/* refusals: nothing changes, nothing is logged */
	log = tu_slurp(x.audit);
	bad(&x, "reserve web1 4", "already reserved");
	bad(&x, "reserve web1 9", "live device (someone-elses)");
	bad(&x, "free web1 10", "not reserved");
	bad(&x, "reserve web1 2", "already reserved");
	bad(&x, "free web1 2", "add --force");
	bad(&x, "reserve nope 5", "no instance 'nope'");
	bad(&x, "reserve web1", "usage: reserve INST SLOT");
	bad(&x, "reserve web1 5 6", "usage: reserve INST SLOT");
	bad(&x, "reserve web1 5 --forse",
	    "unknown option '--forse' (expected --offline or --force)");
	bad(&x, "reserve web1 x", "not a slot number");
	bad(&x, "reserve web1 32", "give a slot from 0 to 31");
	bad(&x, "free web1", "usage: free INST SLOT [--force]");
	bad(&x, "free web1 4 --forse", "expected --force");
	bad(&x, "free web1 4 --force --force", "usage: free");
	bad(&x, "next", "usage: next INST");
	bad(&x, "next web1 db1", "usage: next INST");
	unchanged(&x, before, log);
	/* free with --force of a live (built-in) slot; then a plain free */
	ck_assert_str_eq(ok(&x, "free web1 2 --force"), "web1: slot 2 freed");
	ck_assert_str_eq(ok(&x, "free web1 4"), "web1: slot 4 freed");
	after = rtfile(&x, "web1");
	ck_assert_ptr_nonnull(strstr(after,
	    "11010000000000000000000000000000"));
	free(after);
	/* slot 2 is free in the map but live: next skips it */
	ck_assert_str_eq(ok(&x, "next web1"), "4");
	log = tu_slurp(x.audit);
	ck_assert_ptr_nonnull(strstr(log, "instance=web1 what=\"reserve 4\" "
	    "result=ok"));
	ck_assert_ptr_nonnull(strstr(log, "what=\"free 2 --force\" "
	    "result=ok"));
	ck_assert_ptr_nonnull(strstr(log, "what=\"free 4\" result=ok"));
	free(log);
	free(before);
	/* a full bus */
	{
		char line[64];
		int s;

		for (s = 4; s < 32; s++) {
			if (s == 9)
				continue;
			snprintf(line, sizeof line, "reserve db1 %d", s);
			ok(&x, line);
		}
		ok(&x, "reserve db1 9");
		bad(&x, "next db1", "all 32 PCI slots are taken");
	}
	ck_assert_int_eq(run(&x, "reserve web1 31", &r), 1);
	ck_assert_str_eq(json_string_value(json_object_get(r.json,
	    "reservations")), "11010000000000000000000000000001");
	cmd_result_free(&r);
	fx_free(&x);
}
END_TEST

/* A runtime file that does not parse: commands say so and leave it. */
START_TEST(corrupt_runtime)
{
	struct fx x;
	char p[8192], *after;
	FILE *fp;

	fx_init(&x);
	mkdir(x.f.runtime_dir, 0700);
	snprintf(p, sizeof p, "%s/web1.json", x.f.runtime_dir);
	fp = fopen(p, "w");
	fputs("{\"format\": 1, garbage", fp);
	fclose(fp);
	bad(&x, "reserve web1 5", "reserve: ");
	bad(&x, "show web1", "show: ");
	bad(&x, "next web1", "next: ");
	after = tu_slurp(p);
	ck_assert_str_eq(after, "{\"format\": 1, garbage");
	free(after);
	/* list still lists it, with the problem */
	ck_assert_ptr_nonnull(strstr(ok(&x, "list"), "runtime file"));
	fx_free(&x);
}
END_TEST

/* list's rows left for later (batch mode) are the tree's, byte for byte:
 * a runtime file that cannot be read, a manager, an error with quotes,
 * a backslash, a tab, a slash and UTF-8, an instance never read (its
 * monitor is not there), and no fleet or an empty one. */
START_TEST(list_streamed)
{
	struct mgr_ref ref;
	struct cmd_ctx none;
	struct fleet empty;
	struct fx x;
	struct err e;
	char p[8192];
	FILE *fp;

	fx_init(&x);
	ok(&x, "reserve db1 7");
	snprintf(p, sizeof p, "%s/web1.json", x.f.runtime_dir);
	ck_assert_ptr_nonnull(fp = fopen(p, "w"));
	fputs("{\"format\": 1, garbage", fp);
	fclose(fp);
	memset(&ref, 0, sizeof ref);
	ref.kind = MGR_PROXMOX;
	ref.forced = 1;
	snprintf(ref.vmid, sizeof ref.vmid, "100");
	snprintf(ref.file, sizeof ref.file, "%s/100.conf", x.dir);
	fleet_set_manager(&x.f, 1, &ref);
	fleet_set_msg(&x.f.inst[1].error, "monitor said \"no\" \\ at\t/run "
	    "\xc3\xa9t\xc3\xa9");
	ck_assert_int_eq(fleet_add(&x.f, "new1", "unix:/nonexistent/n", &e),
	    2);
	ck_assert_uint_eq(tu_list_streamed_same(&x.c), 3);
	/* the never-read one was read (and failed) by the first list */
	ck_assert_int_ne(x.f.inst[2].conn, INST_OK);
	ck_assert_uint_eq(tu_list_streamed_same(&x.c), 3);
	fx_free(&x);
	memset(&none, 0, sizeof none);
	ck_assert_uint_eq(tu_list_streamed_same(&none), 0);
	fleet_init(&empty, NULL);
	none.fleet = &empty;
	ck_assert_uint_eq(tu_list_streamed_same(&none), 0);
	fleet_free(&empty);
}
END_TEST

START_TEST(no_runtime_dir)
{
	struct fx x;

	fx_init(&x);
	x.f.runtime_dir[0] = '\0';
	bad(&x, "reserve web1 5", "give --runtime-dir");
	ck_assert_str_eq(ok(&x, "next web1"), "4");
	fx_free(&x);
}
END_TEST

static void
add_rt_dev(struct fx *x, const char *inst, const char *id, int slot,
    int unplugging)
{
	struct store_dev d;

	tu_rt_dev(&d, id, NULL, "", slot, unplugging ? STORE_DEV_UNPLUGGING :
	    STORE_DEV_PLUGGED);
	tu_rt_add(x->f.runtime_dir, inst, &d);
}

/* web1's runtime: a used device (live in 5), a missing one (6), an
 * unplugging one still live (7). */
static void
web1_devices(struct fx *x)
{
	addfn(&x->f.inst[0].live, 5, 0, "nic-11111111-pci-5");
	addfn(&x->f.inst[0].live, 7, 0, "nic-33333333-pci-7");
	add_rt_dev(x, "web1", "nic-11111111-pci-5", 5, 0);
	add_rt_dev(x, "web1", "nic-22222222-pci-6", 6, 0);
	add_rt_dev(x, "web1", "nic-33333333-pci-7", 7, 1);
}

START_TEST(show_json)
{
	struct fx x;
	struct cmd_result r;
	json_t *slots, *s;
	const char *t;

	fx_init(&x);
	web1_devices(&x);
	ok(&x, "reserve web1 20");
	ck_assert_int_eq(run(&x, "show web1", &r), 1);
	slots = json_object_get(r.json, "slots");
	ck_assert_int_eq(json_array_size(slots), 32);
	ck_assert_str_eq(json_string_value(json_object_get(r.json,
	    "instance")), "web1");
	ck_assert_str_eq(json_string_value(json_object_get(r.json,
	    "protocol")), "qmp");
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "qemu")),
	    "7.2.22");
#define ST(n) json_string_value(json_object_get(json_array_get(slots, n), \
	"state"))
	ck_assert_str_eq(ST(0), "builtin");
	ck_assert_str_eq(ST(4), "free");
	ck_assert_str_eq(ST(5), "used");
	ck_assert_str_eq(ST(6), "missing");
	ck_assert_str_eq(ST(7), "unplugging");
	ck_assert_str_eq(ST(9), "foreign");
	ck_assert_str_eq(ST(20), "reserved");
#undef ST
	s = json_array_get(slots, 1);
	ck_assert_int_eq(json_array_size(json_object_get(s, "functions")), 3);
	ck_assert(json_is_true(json_object_get(s, "reserved")));
	ck_assert(json_is_null(json_object_get(s, "id")) ||
	    json_object_get(s, "id") == NULL);
	s = json_array_get(slots, 5);
	ck_assert_str_eq(json_string_value(json_object_get(s, "id")),
	    "nic-11111111-pci-5");
	ck_assert(json_is_false(json_object_get(s, "reserved")));
	ck_assert_int_eq(json_integer_value(json_object_get(s, "slot")), 5);
	ck_assert_ptr_nonnull(strstr(r.text, "   6 missing"));
	cmd_result_free(&r);
	/* --json prints the same value as text */
	ck_assert_int_eq(run(&x, "show --json web1", &r), 1);
	{
		json_error_t je;
		json_t *back = json_loads(r.text, 0, &je);

		ck_assert_ptr_nonnull(back);
		ck_assert(json_equal(back, r.json));
		json_decref(back);
	}
	cmd_result_free(&r);
	/* next skips the missing (6) and unplugging (7) devices' slots */
	ck_assert_str_eq(ok(&x, "next web1"), "4");
	ok(&x, "reserve web1 4");
	ck_assert_str_eq(ok(&x, "next web1"), "8");
	bad(&x, "reserve web1 6", "belongs to nic-22222222-pci-6");
	bad(&x, "show", "usage: show INST [--json]");
	bad(&x, "show web1 db1", "usage: show");
	bad(&x, "show web1 --yaml", "unknown option '--yaml'");
	bad(&x, "show nope", "no instance 'nope'");
	t = ok(&x, "list");
	/* columns as wide as their widest value: compact, still aligned */
	ck_assert_msg(strncmp(t, "web1  ok  qmp ", 14) == 0, "%s", t);
	ck_assert_msg(strstr(t, "  free 22  reserved 2  live 7  unplugging 1  "
	    "missing 1  foreign 1  capacity 22\n") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "\ndb1   ok  qmp ") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "  free 28  reserved 0  live 4") != NULL,
	    "%s", t);
	bad(&x, "list web1", "usage: list");
	fx_free(&x);
}
END_TEST

/* list --devices says what the last read of each bus found: a recorded
 * device not on it is missing (as show's grid says), one there is
 * plugged (or unplugging), and where the bus was not read (db1
 * unreachable; a bridge's bus not known) the recorded state, not checked. */
START_TEST(list_devices_checked)
{
	struct fx x;
	struct cmd_result r;
	struct store_dev d;
	json_t *o;
	const char *l;

	fx_init(&x);
	web1_devices(&x);
	add_rt_dev(&x, "web1", "nic-55555555-pci-8", 8, 1);
	add_rt_dev(&x, "db1", "nic-66666666-pci-4", 4, 0);
	tu_rt_dev(&d, "nic-44444444-pci-12-3", NULL, "12", 3,
	    STORE_DEV_PLUGGED);		/* uuid 44444444-0000-4000-... */
	tu_rt_add(x.f.runtime_dir, "web1", &d);
	x.f.inst[1].conn = INST_UNREACHABLE;
	ck_assert_int_eq(run(&x, "list --devices", &r), 1);
#define STATE(o) json_string_value(json_object_get(o, "state"))
#define CHECKED(o) json_is_true(json_object_get(o, "bus_checked"))
	/* live in its slot */
	o = tu_list_dev(r.json, "nic-11111111-pci-5", -1);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(STATE(o), "plugged");
	ck_assert(CHECKED(o));
	l = tu_line_of(r.text, "nic-11111111-pci-5");
	ck_assert_msg(strstr(l, "  [plugged]  [slotscope]") != NULL, "%s", l);
	/* recorded plugged, its slot empty on the bus read: missing */
	o = tu_list_dev(r.json, "nic-22222222-pci-6", -1);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(STATE(o), "missing");
	ck_assert(CHECKED(o));
	l = tu_line_of(r.text, "nic-22222222-pci-6");
	ck_assert_msg(strstr(l, "  [missing: recorded, not on the bus read]")
	    != NULL && strstr(l, "plugged") == NULL, "%s", l);
	/* unplugging and still live; unplugging and gone */
	o = tu_list_dev(r.json, "nic-33333333-pci-7", -1);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(STATE(o), "unplugging");
	ck_assert(CHECKED(o));
	o = tu_list_dev(r.json, "nic-55555555-pci-8", -1);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(STATE(o), "missing");
	ck_assert(CHECKED(o));
	/* the bridge's bus 12 is not on the bus read: not checked */
	o = tu_list_dev(r.json, "nic-44444444-pci-12-3", -1);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(STATE(o), "plugged");
	ck_assert(json_is_false(json_object_get(o, "bus_checked")));
	/* db1 unreachable: the recorded state, said to be unchecked */
	o = tu_list_dev(r.json, "nic-66666666-pci-4", -1);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(STATE(o), "plugged");
	ck_assert(json_is_false(json_object_get(o, "bus_checked")));
	l = tu_line_of(r.text, "nic-66666666-pci-4");
	ck_assert_msg(strncmp(l, "db1  ", 5) == 0 && strstr(l, "  [plugged?: "
	    "not checked: its bus was not read]  [slotscope]") != NULL, "%s",
	    l);
#undef STATE
#undef CHECKED
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "devices")),
	    6);
	cmd_result_free(&r);
	/* read again with the NIC back in slot 6: plugged */
	addfn(&x.f.inst[0].live, 6, 0, "nic-22222222-pci-6");
	ck_assert_int_eq(run(&x, "list --devices", &r), 1);
	o = tu_list_dev(r.json, "nic-22222222-pci-6", -1);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_string_value(json_object_get(o, "state")),
	    "plugged");
	cmd_result_free(&r);
	/* batch mode's list and list --devices, their rows made as they are
	 * written: the tree's, these six devices too */
	ck_assert_uint_eq(tu_list_streamed_same(&x.c), 2);
	fx_free(&x);
}
END_TEST

START_TEST(help)
{
	struct fx x;
	const char *n;
	char line[64];
	size_t i;

	fx_init(&x);
	for (i = 0; (n = cmd_name(&x.c, i)) != NULL; i++) {
		ck_assert_ptr_nonnull(cmd_help(&x.c, n));
		ck_assert_ptr_nonnull(strstr(cmd_help(&x.c, n), n));
		snprintf(line, sizeof line, "help %s", n);
		ck_assert_str_eq(ok(&x, line), cmd_help(&x.c, n));
		ck_assert_ptr_nonnull(strstr(ok(&x, "help"), n));
	}
	ck_assert_int_eq(i, 14);
	ck_assert_ptr_null(cmd_help(&x.c, "nope"));
	ck_assert_ptr_null(cmd_help(NULL, "quit"));
	bad(&x, "help nope", "unknown command 'nope': type help");
	bad(&x, "help a b", "usage: help [CMD]");
	fx_free(&x);
}
END_TEST

static int
has(char **v, const char *w)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		if (strcmp(v[i], w) == 0)
			return 1;
	return 0;
}

static size_t
count(char **v)
{
	size_t i = 0;

	while (v != NULL && v[i] != NULL)
		i++;
	return i;
}

START_TEST(completion)
{
	struct fx x;
	char **v;

	fx_init(&x);
	v = cmd_complete(&x.c, "re", 2);
	ck_assert(has(v, "reserve") && has(v, "refresh"));
	ck_assert_int_eq(count(v), 2);
	cmd_completions_free(v);
	v = cmd_complete(&x.c, "", 0);
	ck_assert_int_eq(count(v), 14);
	cmd_completions_free(v);
	v = cmd_complete(&x.c, "show ", 5);
	ck_assert(has(v, "web1") && has(v, "db1"));
	cmd_completions_free(v);
	v = cmd_complete(&x.c, "show w", 6);
	ck_assert(has(v, "web1") && !has(v, "db1"));
	cmd_completions_free(v);
	/* point in the middle: only what is before it counts */
	v = cmd_complete(&x.c, "show d and more", 6);
	ck_assert(has(v, "db1") && count(v) == 1);
	cmd_completions_free(v);
	/* reserve offers free slots only: not 0-3 (reserved), not 9 (live) */
	v = cmd_complete(&x.c, "reserve web1 ", 13);
	ck_assert(has(v, "4") && has(v, "31") && !has(v, "3") &&
	    !has(v, "9"));
	ck_assert_int_eq(count(v), 27);
	cmd_completions_free(v);
	v = cmd_complete(&x.c, "free web1 ", 10);
	ck_assert(has(v, "0") && has(v, "3") && !has(v, "4"));
	ck_assert_int_eq(count(v), 4);
	cmd_completions_free(v);
	v = cmd_complete(&x.c, "free web1 3 --f", 15);
	ck_assert(has(v, "--force") && count(v) == 1);
	cmd_completions_free(v);
	v = cmd_complete(&x.c, "id ", 3);
	ck_assert(has(v, "nic") && has(v, "disk"));
	cmd_completions_free(v);
	v = cmd_complete(&x.c, "help pa", 7);
	ck_assert(has(v, "parse-id"));
	cmd_completions_free(v);
	v = cmd_complete(&x.c, "show 'w", 7);
	ck_assert(has(v, "web1"));
	cmd_completions_free(v);
	ck_assert_ptr_null(cmd_complete(&x.c, "zz", 2));
	ck_assert_ptr_null(cmd_complete(&x.c, "list ", 5));
	fx_free(&x);
}
END_TEST

/* hotplug/unplug/refresh/version arguments: every refusal is one line,
 * nothing is sent (the endpoints do not exist), nothing changes. */
START_TEST(monitor_cmd_args)
{
	struct fx x;
	char *before, *log, *after;

	fx_init(&x);
	ok(&x, "reserve web1 30");	/* create the runtime file */
	before = rtfile(&x, "web1");
	log = tu_slurp(x.audit);
	bad(&x, "hotplug", "usage: hotplug INST nic|disk");
	bad(&x, "hotplug web1", "usage: hotplug INST nic|disk");
	bad(&x, "hotplug nope nic", "no instance 'nope'");
	bad(&x, "hotplug web1 gpu", "expected nic or disk");
	bad(&x, "hotplug web1 nic mac=52:54:00:zz:00:01", "not a MAC address");
	bad(&x, "hotplug web1 nic mac=03:54:00:00:00:01", "multicast");
	bad(&x, "hotplug web1 nic model='virtio net'", "not a QEMU driver");
	bad(&x, "hotplug web1 nic backend=vde", "expected user or tap:IFNAME");
	bad(&x, "hotplug web1 nic uuid=123", "not a UUID");
	bad(&x, "hotplug web1 nic slot=40", "slot");
	bad(&x, "hotplug web1 nic slot=5 slot=6", "given twice");
	bad(&x, "hotplug web1 nic path=/x", "unknown key 'path' for a nic");
	bad(&x, "hotplug web1 nic garbage", "not KEY=VALUE");
	bad(&x, "hotplug web1 disk", "a disk needs path=FILE");
	bad(&x, "hotplug web1 disk path=/nonexistent/d.img", "/nonexistent");
	bad(&x, "hotplug web1 disk path=/dev/null", "not a file");
	bad(&x, "hotplug web1 disk path=/etc/hostname format=vdmk",
	    "expected raw, qcow2, qed, vmdk, vhdx, vdi or vpc");
	bad(&x, "hotplug web1 disk path=/etc/hostname format=luks",
	    "needs its key");
	bad(&x, "hotplug web1 disk path=/etc/hostname cache=fast",
	    "not a cache mode");
	bad(&x, "hotplug web1 disk path=/etc/hostname aio=native",
	    "aio=native needs");
	bad(&x, "hotplug web1 nic model=ne2k_pci queues=2", "one queue");
	bad(&x, "hotplug web1 nic model=e1000 queues=2", "one queue");
	bad(&x, "hotplug web1 nic bridge=br0", "needs backend=tap");
	bad(&x, "hotplug web1 nic backend=tap:ssmissing0", "does not exist");
	{
		char line[4200];

		/* the header of a real qcow2: format=raw would expose it */
		snprintf(line, sizeof line, "hotplug web1 disk path=%s "
		    "format=raw", tu_srcpath("tests/fixtures/img/"
		    "qcow2-7.2.hdr"));
		bad(&x, line, "has a qcow2 header");
	}
	bad(&x, "unplug", "usage: unplug INST ID|SLOT");
	bad(&x, "unplug web1", "usage: unplug INST ID|SLOT");
	bad(&x, "unplug web1 4 5", "usage: unplug INST ID|SLOT");
	bad(&x, "unplug nope 4", "no instance 'nope'");
	bad(&x, "unplug web1 4", "slot 4 holds no device");
	bad(&x, "unplug web1 nic-12345678-pci-4", "no device "
	    "nic-12345678-pci-4");
	bad(&x, "unplug web1 99", "unplug: ");
	bad(&x, "unplug web1 'a b'", "unplug: ");
	bad(&x, "refresh a b", "usage: refresh [INST]");
	bad(&x, "refresh nope", "no instance 'nope'");
	bad(&x, "version", "usage: version INST");
	bad(&x, "version nope", "no instance 'nope'");
	unchanged(&x, before, log);
	/* a monitor that is not there: one line, and the runtime file is
	 * byte for byte what it was before the attempts */
	ck_assert_ptr_nonnull(strstr(before, "00000010\""));
	bad(&x, "hotplug web1 nic", "hotplug: ");
	bad(&x, "hotplug web1 disk path=/etc/hostname", "hotplug: ");
	bad(&x, "version web1", "version: web1: unreachable");
	bad(&x, "refresh", "refresh: web1: unreachable");
	after = rtfile(&x, "web1");
	ck_assert_str_eq(before, after);
	free(after);
	free(before);
	fx_free(&x);
}
END_TEST

START_TEST(completion_hotplug)
{
	struct fx x;
	char **v;
	const char *line;

	fx_init(&x);
	line = "hotplug web1 ";
	v = cmd_complete(&x.c, line, strlen(line));
	ck_assert(has(v, "nic") && has(v, "disk") && count(v) == 2);
	cmd_completions_free(v);
	line = "hotplug web1 nic ";
	v = cmd_complete(&x.c, line, strlen(line));
	ck_assert(has(v, "mac=") && has(v, "backend=") && has(v, "slot=") &&
	    !has(v, "path=") && !has(v, "backend=user"));
	cmd_completions_free(v);
	line = "hotplug web1 nic backend=";
	v = cmd_complete(&x.c, line, strlen(line));
	ck_assert(has(v, "backend=user") && has(v, "backend=tap:"));
	cmd_completions_free(v);
	line = "hotplug web1 disk f";
	v = cmd_complete(&x.c, line, strlen(line));
	ck_assert(has(v, "format=") && count(v) == 1);
	cmd_completions_free(v);
	line = "hotplug web1 nic slot=1";
	v = cmd_complete(&x.c, line, strlen(line));
	/* free slots starting with 1: 10..19; not 1 (reserved) */
	ck_assert(has(v, "slot=10") && has(v, "slot=19") && !has(v, "slot=1"));
	ck_assert_int_eq(count(v), 10);
	cmd_completions_free(v);
	/* path= completes file names; directories end in '/' */
	{
		char d[4300], l[4400], w[4400];
		FILE *fp;

		snprintf(d, sizeof d, "%s/imgs", x.dir);
		ck_assert_int_eq(mkdir(d, 0700), 0);
		snprintf(w, sizeof w, "%s/disk1.raw", d);
		fp = fopen(w, "w");
		fclose(fp);
		snprintf(w, sizeof w, "%s/dsub", d);
		ck_assert_int_eq(mkdir(w, 0700), 0);
		snprintf(w, sizeof w, "%s/.hidden", d);
		fp = fopen(w, "w");
		fclose(fp);
		snprintf(l, sizeof l, "hotplug web1 disk path=%s/d", d);
		v = cmd_complete(&x.c, l, strlen(l));
		snprintf(w, sizeof w, "path=%s/disk1.raw", d);
		ck_assert(has(v, w));
		snprintf(w, sizeof w, "path=%s/dsub/", d);
		ck_assert(has(v, w));
		ck_assert_int_eq(count(v), 2);
		cmd_completions_free(v);
		snprintf(l, sizeof l, "hotplug web1 disk path=%s/", d);
		v = cmd_complete(&x.c, l, strlen(l));
		ck_assert_int_eq(count(v), 2);	/* not .hidden */
		cmd_completions_free(v);
		snprintf(l, sizeof l, "hotplug web1 nic path=%s/", d);
		v = cmd_complete(&x.c, l, strlen(l));
		ck_assert_int_eq(count(v), 0);
		cmd_completions_free(v);
	}
	add_rt_dev(&x, "web1", "nic-11111111-pci-5", 5, 0);
	line = "unplug web1 ";
	v = cmd_complete(&x.c, line, strlen(line));
	ck_assert(has(v, "nic-11111111-pci-5") && has(v, "5") && count(v) == 2);
	cmd_completions_free(v);
	line = "version ";
	v = cmd_complete(&x.c, line, strlen(line));
	ck_assert(has(v, "web1") && has(v, "db1"));
	cmd_completions_free(v);
	fx_free(&x);
}
END_TEST

/* The TUI's own commands are entries of the same table, known only in an
 * interactive context; they say what the TUI should do in r.action. */
static enum cmd_action
act(struct fx *x, const char *line, int want_ok, const char *want_text)
{
	struct cmd_result r;
	enum cmd_action a;

	ck_assert_int_eq(run(x, line, &r), want_ok);
	ck_assert_msg(strcmp(r.text, want_text) == 0, "'%s': got '%s', want "
	    "'%s'", line, r.text, want_text);
	a = r.action;
	cmd_result_free(&r);
	return a;
}

START_TEST(interactive)
{
	struct fx x;
	const char *n;
	char **v;
	size_t i, nref = 0;

	fx_init(&x);
	/* batch mode does not know them */
	ck_assert_int_eq(act(&x, "quit", 0, "unknown command 'quit': type "
	    "help"), CMD_ACT_NONE);
	ck_assert_int_eq(act(&x, "refresh nope", 0, "refresh: no instance "
	    "'nope'; type list to see the instances"), CMD_ACT_NONE);
	x.c.interactive = 1;
	ck_assert_int_eq(act(&x, "quit", 1, ""), CMD_ACT_QUIT);
	ck_assert_int_eq(act(&x, "exit", 1, ""), CMD_ACT_QUIT);
	ck_assert_int_eq(act(&x, "quit now", 1, ""), CMD_ACT_QUIT);
	ck_assert_int_eq(act(&x, "refresh nope", 0, "no instance called "
	    "'nope'"), CMD_ACT_REFRESHING);
	ck_assert_int_eq(act(&x, "refresh a b", 0, "usage: refresh [INST]"),
	    CMD_ACT_NONE);
	/* refresh starts and returns: db1 is left as it was */
	ck_assert_int_eq(act(&x, "refresh web1", 1, "refreshing web1"),
	    CMD_ACT_REFRESHING);
	ck_assert(x.f.inst[0].refreshing || x.f.inst[0].conn != INST_OK);
	ck_assert(!x.f.inst[1].refreshing && x.f.inst[1].conn == INST_OK);
	ck_assert_int_eq(act(&x, "refresh", 1, "refreshing all"),
	    CMD_ACT_REFRESHING);
	fleet_refresh_cancel(&x.f, (size_t)-1);
	ck_assert_int_eq(act(&x, "id nic x 5", 0, "id: 'x' is not a UUID "
	    "(expected 8-4-4-4-12 hex digits)"), CMD_ACT_NONE);
	/* listed once each, quit last; help and completion know them */
	for (i = 0; (n = cmd_name(&x.c, i)) != NULL; i++)
		nref += strcmp(n, "refresh") == 0;
	ck_assert_int_eq(i, 16);
	ck_assert_int_eq(nref, 1);
	ck_assert_str_eq(cmd_name(&x.c, 15), "quit");
	/* cancel is the TUI's: the screen stops its job; alone it says
	 * there is none */
	ck_assert_int_eq(act(&x, "cancel", 1, "nothing is running"),
	    CMD_ACT_CANCEL);
	ck_assert_ptr_nonnull(strstr(cmd_help(&x.c, "quit"), "quit"));
	ck_assert_ptr_null(cmd_help(&x.c, "exit"));
	ck_assert_str_eq(ok(&x, "help quit"), cmd_help(&x.c, "quit"));
	ck_assert_ptr_nonnull(strstr(ok(&x, "help"), "\n  quit\n"));
	bad(&x, "help exit", "help: unknown command 'exit': type help");
	v = cmd_complete(&x.c, "q", 1);
	ck_assert(has(v, "quit") && count(v) == 1);
	cmd_completions_free(v);
	v = cmd_complete(&x.c, "", 0);
	ck_assert_int_eq(count(v), 16);
	cmd_completions_free(v);
	v = cmd_complete(&x.c, "refresh d", 9);
	ck_assert(has(v, "db1") && count(v) == 1);
	cmd_completions_free(v);
	fx_free(&x);
}
END_TEST

/* With the fleet's syslog socket set (config audit-syslog on), a change a
 * command makes reaches syslog as well as the audit file; a refusal reaches
 * neither. */
START_TEST(audit_also_to_syslog)
{
	struct fx x;
	struct sockaddr_un sa;
	char msg[4096];
	ssize_t n;
	int fd;

	fx_init(&x);
	snprintf(x.f.audit_syslog, sizeof x.f.audit_syslog, "%s/log", x.dir);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", x.f.audit_syslog);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	ok(&x, "reserve web1 4");
	n = recv(fd, msg, sizeof msg - 1, MSG_DONTWAIT);
	ck_assert_int_gt(n, 0);
	msg[n] = '\0';
	ck_assert_msg(strstr(msg, "instance=web1 what=\"reserve 4\" result=ok")
	    != NULL, "%s", msg);
	bad(&x, "reserve web1 4", "already reserved");
	ck_assert_int_eq(recv(fd, msg, sizeof msg, MSG_DONTWAIT), -1);
	/* the daemon gone: the change stands, the result says so */
	close(fd);
	ck_assert_ptr_nonnull(strstr(ok(&x, "free web1 4"),
	    "not sent to syslog"));
	fx_free(&x);
}
END_TEST

Suite *
cmd_suite(void)
{
	Suite *s = suite_create("cmd");
	TCase *tc = tcase_create("language");

	tcase_add_test(tc, unknown_and_empty);
	tcase_add_test(tc, tokenizer);
	tcase_add_test(tc, id_and_parse_id);
	tcase_add_test(tc, reserve_free_next);
	tcase_add_test(tc, corrupt_runtime);
	tcase_add_test(tc, list_streamed);
	tcase_add_test(tc, no_runtime_dir);
	tcase_add_test(tc, show_json);
	tcase_add_test(tc, list_devices_checked);
	tcase_add_test(tc, help);
	tcase_add_test(tc, completion);
	tcase_add_test(tc, monitor_cmd_args);
	tcase_add_test(tc, completion_hotplug);
	tcase_add_test(tc, interactive);
	tcase_add_test(tc, audit_also_to_syslog);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return s;
}
