/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_truth.c - a slot that was not read is never shown, counted or used
 * as free (issue 11), against a real paused QEMU (pc, TCG): with the QMP
 * socket held by this test's process, `show --json` fails with "read":
 * false and no slot free, `next` fails, `reserve` is refused and leaves
 * the runtime file as it was byte for byte, `reserve --offline` works and
 * says so; the diagnoses for a held socket (naming this process), a
 * SIGSTOPped QEMU, a regular file, a socket nobody listens on and a serial
 * console; a QMP monitor with pretty=on probed; `--probe --json` and `show
 * --json` with the same names and types; a NIC hot-added without an id
 * shown foreign (anonymous), not builtin.
 *
 * Against QEMU 7.2 and 10.0 alike.  Each QEMU is started by an unchecked
 * fixture (run in the parent), so it is killed even when a test fails or
 * times out.
 */
#include <check.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutil.h"

/* One QEMU per version (enum tu_qemu); a check works on the one of its
 * loop index (set_qemu). */
static char *dirs[2];
static int ups[2];
static const char *dir;
static int up;

static void
set_qemu(int q)
{
	dir = dirs[q];
	up = ups[q];
}

/* QEMU q with, besides the HMP and QMP sockets of tu_qemu_start, a QMP
 * monitor with pretty=on and a serial port on a unix socket (what Ganeti's
 * NAME.serial is).  Without that QEMU nothing starts (up stays 0; the
 * checks are skipped by tu_tcase_require). */
static void
vm_up(enum tu_qemu q)
{
	char *extra;

	dirs[q] = tu_tmpdir();
	if (tu_missing_qemu_v(q) != NULL ||
	    asprintf(&extra, "-chardev socket,id=pp,path='%s'/pretty.qmp,"
	    "server=on,wait=off -mon chardev=pp,mode=control,pretty=on "
	    "-serial unix:'%s'/vm.serial,server=on,wait=off", dirs[q],
	    dirs[q]) < 0)
		return;
	ups[q] = tu_qemu_start_v(q, dirs[q], "pc", extra) == 0;
	free(extra);
}

static void
vm_down(enum tu_qemu q)
{
	tu_qemu_stop(dirs[q]);
	tu_rmrf(dirs[q]);
	free(dirs[q]);
	dirs[q] = NULL;
	ups[q] = 0;
}

static void up72(void) { vm_up(TU_QEMU_72); }
static void down72(void) { vm_down(TU_QEMU_72); }
static void up10(void) { vm_up(TU_QEMU_10); }
static void down10(void) { vm_down(TU_QEMU_10); }

/* The binary in batch mode on vm=unix:DIR/qmp.sock: stdout in *out,
 * stderr in *err (both malloc'd). */
static int
batch(const char *args, char **out, char **err)
{
	char *cmd, path[4200];
	int rc;

	ck_assert_msg(up, "QEMU did not start");
	snprintf(path, sizeof path, "%s/stderr", dir);
	ck_assert(asprintf(&cmd, "'%s' --runtime-dir '%s/rt' --audit-log "
	    "'%s/audit.log' vm=unix:'%s/qmp.sock' %s 2>'%s'", tu_bin(), dir,
	    dir, dir, args, path) > 0);
	rc = tu_run(cmd, out);
	free(cmd);
	*err = tu_slurp(path);
	return rc;
}

/* `slotscope --probe DIR/NAME ARGS`, stdout and stderr together. */
static int
probe(const char *name, const char *args, char **out)
{
	char *cmd;
	int rc;

	ck_assert_msg(up, "QEMU did not start");
	ck_assert(asprintf(&cmd, "'%s' --probe '%s/%s' %s 2>&1", tu_bin(),
	    dir, name, args) > 0);
	rc = tu_run(cmd, out);
	free(cmd);
	return rc;
}

/* Connect to DIR/NAME and read QEMU's greeting: this process now holds
 * the monitor (QEMU serves one client).  Close-on-exec: the shell that
 * runs slotscope must not hold it too, or the diagnosis may name that
 * shell (when its pid is the lower) instead of this process. */
static int
hold(const char *name)
{
	struct sockaddr_un sa;
	char buf[4096];
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", dir, name);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	n = read(fd, buf, sizeof buf - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "QMP"));
	return fd;
}

/* After close(hold()): QEMU has let go of its end of the connection, so
 * the next client is accepted at once.  Until QEMU's main loop sees the
 * close it serves nobody else, and a command that came first waited for
 * its greeting meanwhile, on a loaded machine possibly longer than the
 * 500 ms it waits. */
static void
released(void)
{
	ck_assert_msg(tu_unix_idle(dir, "qmp.sock", 10000), "QEMU kept the "
	    "closed connection to %s/qmp.sock", dir);
}

static json_t *
parse(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, JSON_DISABLE_EOF_CHECK, &je);

	ck_assert_msg(j != NULL, "not JSON (%s): %s", je.text, text);
	return j;
}

START_TEST(held_socket)
{
	char *out, *err, *before, *after, rtfile[4300], want[64];
	json_t *j, *slots;
	int fd, rc;
	size_t k;

	set_qemu(_i);

	/* the socket free: a runtime file to compare against */
	rc = batch("-c 'reserve vm 20'", &out, &err);
	ck_assert_msg(rc == 0, "%s%s", out, err);
	free(out);
	free(err);
	snprintf(rtfile, sizeof rtfile, "%s/rt/vm.json", dir);
	before = tu_slurp(rtfile);
	ck_assert_ptr_nonnull(strstr(before, "reserv"));

	fd = hold("qmp.sock");
	snprintf(want, sizeof want, "pid %d (", (int)getpid());

	/* show --json: exit 1, the JSON still printed: read false, every
	 * slot unknown, none free */
	rc = batch("-c 'show vm' --json", &out, &err);
	ck_assert_int_eq(rc, 1);
	j = parse(out);
	ck_assert(json_is_false(json_object_get(j, "read")));
	ck_assert_str_eq(json_string_value(json_object_get(j, "conn")),
	    "busy");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j,
	    "error")), want));
	slots = json_object_get(j, "slots");
	ck_assert_uint_eq(json_array_size(slots), 32);
	for (k = 0; k < 32; k++)
		ck_assert_str_eq(json_string_value(json_object_get(
		    json_array_get(slots, k), "state")), "unknown");
	ck_assert_ptr_null(strstr(out, "\"free\""));
	/* the reservation is still known */
	ck_assert(json_is_true(json_object_get(json_array_get(slots, 20),
	    "reserved")));
	json_decref(j);
	ck_assert_msg(strstr(err, "could not be read") != NULL, "%s", err);
	free(out);
	free(err);

	/* next: exit 1, no slot number */
	rc = batch("-c 'next vm'", &out, &err);
	ck_assert_int_eq(rc, 1);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strstr(err, "next: vm: the bus could not be read "
	    "(busy)") != NULL, "%s", err);
	free(out);
	free(err);

	/* list: ? for the counts */
	rc = batch("-c list -o name,conn,free,reserved,live,capacity --raw "
	    "--noheadings", &out, &err);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(out, "vm busy ? ? ? ?\n");
	free(out);
	free(err);

	/* reserve: refused, the runtime file unchanged byte for byte; the
	 * diagnosis names this process */
	rc = batch("-c 'reserve vm 9'", &out, &err);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_msg(strstr(err, "--offline") != NULL, "%s", err);
	after = tu_slurp(rtfile);
	ck_assert_str_eq(before, after);
	free(after);
	free(out);
	free(err);

	/* --json: the error object on stdout too */
	rc = batch("-c 'reserve vm 9' --json", &out, &err);
	ck_assert_int_eq(rc, 1);
	j = parse(out);
	ck_assert_str_eq(json_string_value(json_object_get(j, "command")),
	    "reserve");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "schema")), 1);
	ck_assert_ptr_nonnull(strstr(err, json_string_value(json_object_get(j,
	    "error"))));
	json_decref(j);
	free(out);
	free(err);

	/* reserve --offline: done, and said not checked (output, audit) */
	rc = batch("-c 'reserve vm 9 --offline'", &out, &err);
	ck_assert_msg(rc == 0, "%s%s", out, err);
	ck_assert_msg(strstr(out, "vm: slot 9 reserved (offline: the bus was "
	    "not checked)") != NULL, "%s", out);
	free(out);
	free(err);
	after = tu_slurp(rtfile);
	ck_assert_str_ne(before, after);
	free(after);
	out = NULL;
	snprintf(rtfile, sizeof rtfile, "%s/audit.log", dir);
	after = tu_slurp(rtfile);
	ck_assert_msg(strstr(after, "what=\"reserve 9 --offline\" "
	    "result=\"ok, bus not checked\"") != NULL, "%s", after);
	free(after);
	free(before);
	close(fd);
	released();

	/* released: the bus reads again, and the slots are what they are */
	rc = batch("-c 'show vm' --json", &out, &err);
	ck_assert_msg(rc == 0, "%s%s", out, err);
	j = parse(out);
	ck_assert(json_is_true(json_object_get(j, "read")));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(j, "slots"), 9), "state")), "reserved");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(j, "slots"), 10), "state")), "free");
	json_decref(j);
	free(out);
	free(err);
}
END_TEST

START_TEST(diagnoses)
{
	char *out, want[96], path[4300];
	long qpid;
	int rc, fd;
	FILE *fp;

	set_qemu(_i);

	/* held: the holder's pid and command */
	fd = hold("qmp.sock");
	rc = probe("qmp.sock", "", &out);
	ck_assert_int_eq(rc, 1);
	snprintf(want, sizeof want, "monitor busy: another client is "
	    "connected: pid %d (", (int)getpid());
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	free(out);
	close(fd);
	released();

	/* QEMU stopped: said so, with QEMU's pid, not "busy" */
	qpid = tu_qemu_pid(dir);
	ck_assert_int_gt(qpid, 0);
	ck_assert_int_eq(kill((pid_t)qpid, SIGSTOP), 0);
	rc = probe("hmp.sock", "", &out);
	kill((pid_t)qpid, SIGCONT);
	ck_assert_int_eq(rc, 1);
	snprintf(want, sizeof want, "QEMU's process (pid %ld, ", qpid);
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	ck_assert_msg(strstr(out, "is stopped") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "busy") == NULL, "%s", out);
	free(out);

	/* a regular file where the socket should be */
	snprintf(path, sizeof path, "%s/file.qmp", dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	rc = probe("file.qmp", "", &out);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(out, "is not a socket but a regular file") !=
	    NULL, "%s", out);
	free(out);

	/* no file at all */
	rc = probe("gone.qmp", "", &out);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(out, "No such file") != NULL, "%s", out);
	free(out);

	/* the serial console (-serial unix:...,server): not a monitor */
	rc = probe("vm.serial", "", &out);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(out, "is a serial console (Ganeti's NAME.serial)"
	    ", not a QEMU monitor") != NULL, "%s", out);
	free(out);
	rc = probe("vm.serial", "--json", &out);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(out, "\"kind\": \"protocol\"") != NULL, "%s", out);
	free(out);

	/* the monitors still answer after all that */
	rc = probe("hmp.sock", "", &out);
	ck_assert_msg(rc == 0, "%s", out);
	free(out);
}
END_TEST

START_TEST(pretty_on)
{
	char *out;
	json_t *j;
	int rc;

	set_qemu(_i);

	rc = probe("pretty.qmp", "", &out);
	ck_assert_msg(rc == 0, "%s", out);
	ck_assert_msg(strstr(out, " over QMP\n") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "slot  0  occupied  fn 0 Host bridge") !=
	    NULL, "%s", out);
	free(out);
	rc = probe("pretty.qmp", "--json", &out);
	ck_assert_msg(rc == 0, "%s", out);
	j = parse(out);
	ck_assert_str_eq(json_string_value(json_object_get(j, "protocol")),
	    "qmp");
	ck_assert_uint_eq(json_array_size(json_object_get(j, "slots")), 32);
	json_decref(j);
	free(out);
}
END_TEST

/* Same keys, and the same type wherever both are not null. */
static void
same_shape(const json_t *a, const json_t *b, const char *where)
{
	const char *key;
	json_t *va;
	size_t i;

	if (json_is_null(a) || json_is_null(b))
		return;
	ck_assert_msg(json_typeof(a) == json_typeof(b) ||
	    (json_is_boolean(a) && json_is_boolean(b)), "%s: types differ",
	    where);
	if (json_is_object(a)) {
		ck_assert_msg(json_object_size(a) == json_object_size(b),
		    "%s: %zu vs %zu fields", where, json_object_size(a),
		    json_object_size(b));
		json_object_foreach((json_t *)a, key, va) {
			char w[256];

			snprintf(w, sizeof w, "%s.%s", where, key);
			ck_assert_msg(json_object_get(b, key) != NULL,
			    "%s missing", w);
			same_shape(va, json_object_get(b, key), w);
		}
	} else if (json_is_array(a)) {
		for (i = 0; i < json_array_size(a) && i < json_array_size(b);
		    i++) {
			char w[256];

			snprintf(w, sizeof w, "%s[%zu]", where, i);
			same_shape(json_array_get(a, i), json_array_get(b, i),
			    w);
		}
	}
}

START_TEST(one_vocabulary)
{
	char *out, *err;
	json_t *p, *s, *pf, *sf;
	int rc;

	set_qemu(_i);

	rc = probe("qmp.sock", "--json", &out);
	ck_assert_msg(rc == 0, "%s", out);
	p = parse(out);
	free(out);
	rc = batch("-c 'show vm' --json", &out, &err);
	ck_assert_msg(rc == 0, "%s%s", out, err);
	s = parse(out);
	free(out);
	free(err);
	same_shape(p, s, "probe/show");
	/* the documented types, in both */
	pf = json_array_get(json_object_get(json_array_get(json_object_get(p,
	    "slots"), 0), "functions"), 0);
	sf = json_array_get(json_object_get(json_array_get(json_object_get(s,
	    "slots"), 0), "functions"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(pf, "vendor")),
	    "8086");
	ck_assert_str_eq(json_string_value(json_object_get(sf, "vendor")),
	    "8086");
	ck_assert(json_is_null(json_object_get(pf, "id")));
	ck_assert(json_is_null(json_object_get(sf, "id")));
	ck_assert_int_eq(json_integer_value(json_object_get(p, "schema")),
	    json_integer_value(json_object_get(s, "schema")));
	ck_assert(json_is_true(json_object_get(p, "read")));
	json_decref(p);
	json_decref(s);
}
END_TEST

/* A NIC another client hot-adds without an id: foreign and anonymous,
 * never builtin, in show and in --probe. */
START_TEST(anonymous_nic)
{
	static const char caps[] = "{\"execute\": \"qmp_capabilities\"}\n";
	static const char add[] = "{\"execute\": \"device_add\", "
	    "\"arguments\": {\"driver\": \"e1000\", \"addr\": \"0xc\"}}\n";
	char *out, *err, buf[4096];
	json_t *j, *sl;
	int fd, rc;
	ssize_t n;

	set_qemu(_i);
	fd = hold("qmp.sock");
	ck_assert_int_eq(write(fd, caps, sizeof caps - 1),
	    (ssize_t)sizeof caps - 1);
	n = read(fd, buf, sizeof buf - 1);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(write(fd, add, sizeof add - 1),
	    (ssize_t)sizeof add - 1);
	n = read(fd, buf, sizeof buf - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_msg(strstr(buf, "\"return\"") != NULL, "%s", buf);
	close(fd);
	released();

	rc = batch("-c 'show vm' --json", &out, &err);
	ck_assert_msg(rc == 0, "%s%s", out, err);
	j = parse(out);
	sl = json_array_get(json_object_get(j, "slots"), 12);
	ck_assert_str_eq(json_string_value(json_object_get(sl, "state")),
	    "foreign");
	ck_assert(json_is_true(json_object_get(sl, "anonymous")));
	ck_assert(json_is_null(json_object_get(sl, "id")));
	/* the machine's own e1000 stays builtin */
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(j, "slots"), 3), "state")), "builtin");
	json_decref(j);
	free(out);
	free(err);
	rc = batch("-c 'show vm' -o slot,state,id,anonymous --raw "
	    "--noheadings", &out, &err);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strstr(out, "\n12 foreign  1\n") != NULL &&
	    strstr(out, "\n3 builtin  0\n") != NULL, "%s", out);
	free(out);
	free(err);
	/* HMP says the same */
	rc = probe("hmp.sock", "", &out);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strstr(out, "slot 12  occupied  fn 0 Ethernet controller "
	    "[8086:100e] (anonymous: added without an id)") != NULL, "%s", out);
	free(out);
}
END_TEST

/* The checks against QEMU q; loop index _i = q. */
static void
add_cases(Suite *s, enum tu_qemu q)
{
	TCase *tc = tu_tcase_new(s, q == TU_QEMU_10 ? "truth-10.0" : "truth",
	    tu_missing_qemu_v(q), q == TU_QEMU_10 ? up10 : up72,
	    q == TU_QEMU_10 ? down10 : down72, 90);

	tcase_add_loop_test(tc, held_socket, q, q + 1);
	tcase_add_loop_test(tc, diagnoses, q, q + 1);
	tcase_add_loop_test(tc, pretty_on, q, q + 1);
	tcase_add_loop_test(tc, one_vocabulary, q, q + 1);
	tcase_add_loop_test(tc, anonymous_nic, q, q + 1);
}

Suite *
truth_suite(void)
{
	Suite *s = suite_create("truth");

	tu_qemu_cases(s, add_cases);
	return s;
}
