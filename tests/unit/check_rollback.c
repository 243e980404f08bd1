/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_rollback.c - a hotplug that fails after QEMU took the device is
 * rolled back: against a scripted QMP peer (tests/lib/peer.h) that
 * accepts netdev_add and device_add but then shows a bus without the new
 * device (or stops answering), hotplug_add must fail with one line, send
 * device_del for the device and netdev_del for its backend, and leave the
 * runtime file as it was.  No QEMU needed: the peer logs every command it
 * is sent, and the test reads the log. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleet/hotplug.h"
#include "peer.h"
#include "store/store.h"
#include "testutil.h"

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, " \
	"\"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": " \
	"[\"oob\"]}}\r\n"
/* a host bridge in slot 0: the new device never shows up */
#define BUS "{\"return\": [{\"bus\": 0, \"devices\": [{\"bus\": 0, " \
	"\"slot\": 0, \"function\": 0, \"class_info\": {\"class\": 1536, " \
	"\"desc\": \"Host bridge\"}, \"id\": {\"device\": 4663, " \
	"\"vendor\": 32902}, \"qdev_id\": \"\"}]}]}"

struct script {
	char log[4200];		/* every command line received */
	int silent_after_add;	/* no answer after device_add */
};

static struct script S;

static void
logline(const char *line)
{
	FILE *f = fopen(S.log, "a");

	if (f != NULL) {
		fputs(line, f);
		fclose(f);
	}
}

static void
serve(int c, void *arg)
{
	char line[8192];
	int added = 0;

	(void)arg;
	tu_peer_puts(c, GREETING);
	while (tu_peer_getline(c, line, sizeof line)) {
		logline(line);
		if (added && S.silent_after_add)
			continue;
		if (strstr(line, "\"query-pci\""))
			tu_peer_qmp_reply(c, line, BUS);
		else if (strstr(line, "\"query-version\""))
			tu_peer_qmp_reply(c, line, "{\"return\": {\"qemu\": "
			    "{\"micro\": 22, \"minor\": 2, \"major\": 7}, "
			    "\"package\": \"\"}}");
		else if (strstr(line, "\"human-monitor-command\""))
			/* info network of a machine without NICs */
			tu_peer_qmp_reply(c, line, "{\"return\": \"\"}");
		else
			tu_peer_qmp_reply(c, line, "{\"return\": {}}");
		added |= strstr(line, "\"device_add\"") != NULL;
	}
}

/* Run one hotplug against the peer; check what the rollback sent. */
static void
rolled_back(int silent)
{
	struct tu_peer p;
	struct hotplug_target t;
	struct hotplug_req r;
	struct store_dev d;
	struct store_txn txn;
	struct err e;
	char ep[4300], rt[4200], rtfile[4300], *before, *after, *log;
	const char *del;

	tu_peer_listen(&p, NULL);
	memset(&S, 0, sizeof S);
	S.silent_after_add = silent;
	snprintf(S.log, sizeof S.log, "%s/commands.log", p.dir);
	snprintf(ep, sizeof ep, "unix:%s", p.path);
	snprintf(rt, sizeof rt, "%s/rt", p.dir);
	snprintf(rtfile, sizeof rtfile, "%s/vm.json", rt);
	/* a runtime file with a reservation, to compare byte for byte */
	ck_assert_int_eq(store_open_locked(rt, "vm", &txn, 1000, &e), 0);
	txn.rt.reserved.bits |= 1u << 30;
	ck_assert_msg(store_commit(&txn, &e) == 0, "%s", e.msg);
	before = tu_slurp(rtfile);
	tu_peer_serve(&p, serve, NULL);
	memset(&t, 0, sizeof t);
	t.inst = "vm";
	t.endpoint = ep;
	t.runtime_dir = rt;
	t.greet_ms = 1000;
	t.op_ms = 500;
	hotplug_req_init(&r, HOTPLUG_NIC);
	ck_assert_int_eq(hotplug_req_set(&r, "slot=5", &e), 0);
	ck_assert_int_eq(hotplug_add(&t, &r, &d, &e), -1);
	ck_assert_msg(e.msg[0] != '\0' && strchr(e.msg, '\n') == NULL,
	    "not one line: '%s'", e.msg);
	log = tu_slurp(S.log);
	ck_assert_msg(strstr(log, "\"device_add\"") != NULL, "no device_add "
	    "was sent (%s):\n%s", e.msg, log);
	del = strstr(log, "\"device_del\"");
	ck_assert_msg(del != NULL && strstr(del, "-pci-5") != NULL,
	    "the accepted device was not deleted:\n%s", log);
	ck_assert_msg(strstr(log, "\"netdev_del\"") != NULL, "its netdev "
	    "was not deleted:\n%s", log);
	after = tu_slurp(rtfile);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(log);
	tu_peer_free(&p);
}

START_TEST(device_not_on_the_bus)
{
	rolled_back(0);
}
END_TEST

START_TEST(no_answer_after_device_add)
{
	rolled_back(1);
}
END_TEST

Suite *
rollback_suite(void)
{
	Suite *s = suite_create("rollback");
	TCase *tc = tcase_create("peer");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, device_not_on_the_bus);
	tcase_add_test(tc, no_answer_after_device_add);
	suite_add_tcase(s, tc);
	return s;
}
