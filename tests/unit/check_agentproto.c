/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_agentproto.c - the agent protocol (core/fleet/agentproto.h) and
 * the hosts' names: a hello read and its version kept; a real agent's
 * refresh (tests/fixtures/agent/refresh.json, written by `slotscope
 * --agent` against the simulator; also a fuzz seed) read back into views; a view built by cmd_json_instance read
 * back slot for slot; malformed, truncated and hostile replies refused;
 * host addresses; HOST/NAME and the bare name (unique or ambiguous). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

#include "cmd/cmd_json.h"
#include "fleet/agentproto.h"
#include "fleet/fleetagent.h"
#include "model/state.h"
#include "store/store.h"
#include "testutil.h"

START_TEST(hello)
{
	struct agentproto_hello h;
	struct err e;
	const char *ok = "{\"slotscope\":\"agent\",\"protocol\":1,"
	    "\"version\":\"0.1.0\"}";
	const char *v2 = "{\"slotscope\":\"agent\",\"protocol\":2,"
	    "\"version\":\"9.0\"}";

	ck_assert_int_eq(agentproto_hello_parse(ok, strlen(ok), &h, &e), 0);
	ck_assert_int_eq(h.protocol, AGENTPROTO_VERSION);
	ck_assert_str_eq(h.version, "0.1.0");
	ck_assert_int_eq(agentproto_hello_parse(v2, strlen(v2), &h, &e), 0);
	ck_assert_int_eq(h.protocol, 2);	/* the caller refuses it */
	ck_assert_int_eq(agentproto_hello_parse("SSH-2.0-OpenSSH", 15, &h,
	    &e), -1);
	ck_assert_int_eq(agentproto_hello_parse("{\"protocol\":1}", 14, &h,
	    &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no slotscope agent"));
}
END_TEST

START_TEST(real_refresh)
{
	struct agentproto_reply r;
	struct err e;
	size_t len;
	char *buf = tu_fixture("agent/refresh.json", &len);

	ck_assert_int_eq(agentproto_reply_parse(buf, len, &r, &e), 0);
	ck_assert(r.ok);
	ck_assert_int_eq(r.id, 1);
	ck_assert(r.has_instances);
	ck_assert_uint_eq(r.ninst, 2);
	ck_assert_str_eq(r.inst[0].name, "vm1");
	ck_assert_str_eq(r.inst[1].name, "vm2");
	ck_assert_int_eq(r.inst[0].conn, INST_OK);
	ck_assert_str_eq(r.inst[0].protocol, "qmp");
	ck_assert_int_eq(r.inst[0].version.major, 7);
	ck_assert_int_eq(r.inst[0].slots[0].state, SLOT_BUILTIN);
	ck_assert(r.inst[0].capacity > 0);
	ck_assert(r.inst[0].live.n >= 4);	/* the board's own */
	agentproto_reply_free(&r);
	/* "ok" without "read" is not taken for a read */
	{
		char *at = strstr(buf, "\"read\":true"), *t;

		ck_assert_ptr_nonnull(at);
		ck_assert(asprintf(&t, "%.*s\"read\":false%s", (int)(at - buf),
		    buf, at + 11) > 0);
		ck_assert_int_eq(agentproto_reply_parse(t, strlen(t), &r, &e),
		    0);
		free(t);
		ck_assert_int_eq(r.inst[0].conn, INST_ERROR);
		ck_assert_int_eq(r.inst[1].conn, INST_OK);
		agentproto_reply_free(&r);
	}
	free(buf);
}
END_TEST

/* A view of one instance as cmd_json_instance writes it, parsed back. */
START_TEST(view_round_trip)
{
	struct fleet f;
	struct pci_fn fn;
	struct store_rt rt;
	struct slot_view v[32];
	struct agentproto_reply r;
	struct err e;
	json_t *arr;
	char *line;
	int s;

	fleet_init(&f, NULL);
	ck_assert_int_eq(fleet_add(&f, "web", "unix:/nonexistent", &e), 0);
	memset(&fn, 0, sizeof fn);
	fn.slot = 5;
	fn.vendor = 0x1af4;
	fn.device = 0x1000;
	snprintf(fn.id, sizeof fn.id, "nic-6f1a2b3c-pci-5");
	snprintf(fn.class_text, sizeof fn.class_text, "Ethernet controller");
	ck_assert_int_eq(pci_info_add(&f.inst[0].live, &fn, &e), 0);
	f.inst[0].conn = INST_OK;
	f.inst[0].last_read = 1000;
	store_rt_init(&rt, "web");
	fleet_view(&f, 0, &rt, v);
	arr = json_array();
	json_array_append_new(arr, cmd_json_instance(&f, 0, v, &rt));
	{
		json_t *j = json_pack("{s:i, s:b, s:o}", "id", 7, "ok", 1,
		    "instances", arr);

		line = json_dumps(j, JSON_COMPACT);
		json_decref(j);
	}
	ck_assert_int_eq(agentproto_reply_parse(line, strlen(line), &r, &e),
	    0);
	ck_assert_uint_eq(r.ninst, 1);
	for (s = 0; s < 32; s++) {
		ck_assert_int_eq(r.inst[0].slots[s].state, v[s].state);
		ck_assert_int_eq(r.inst[0].slots[s].reserved, v[s].reserved);
		ck_assert_str_eq(r.inst[0].slots[s].id, v[s].id);
	}
	ck_assert_int_eq(r.inst[0].slots[5].state, SLOT_FOREIGN);
	ck_assert_uint_eq(r.inst[0].live.n, 1);
	ck_assert_uint_eq(r.inst[0].live.fn[0].vendor, 0x1af4);
	ck_assert_str_eq(r.inst[0].live.fn[0].id, "nic-6f1a2b3c-pci-5");
	ck_assert_int_eq(r.inst[0].capacity, cmd_json_capacity(
	    &f.inst[0].live, &rt, NULL));
	agentproto_reply_free(&r);
	free(line);
	store_rt_free(&rt);
	fleet_free(&f);
}
END_TEST

START_TEST(hostile_replies)
{
	static const char *const bad[] = {
		"",
		"[1,2]",
		"{\"id\":1}",				/* no ok */
		"{\"ok\":true}",			/* no id */
		"{\"id\":-4,\"ok\":true}",
		"{\"id\":1,\"ok\":true,\"instances\":{}}",
		"{\"id\":1,\"ok\":true,\"instances\":[3]}",
		"{\"id\":1,\"ok\":true,\"instances\":[{\"instance\":\"a\","
		    "\"slots\":[]}]}",
		"{\"id\":1,\"ok\":true,\"instances\":[{\"slots\":[]}]}",
		"{\"id\":1,\"ok\":true,\"id\":2}",	/* a key twice */
		"{\"id\":1,\"ok\":tru",			/* cut */
	};
	struct agentproto_reply r;
	struct err e;
	size_t k;
	char *big;

	for (k = 0; k < sizeof bad / sizeof *bad; k++) {
		ck_assert_msg(agentproto_reply_parse(bad[k], strlen(bad[k]),
		    &r, &e) == -1, "accepted: %s", bad[k]);
		ck_assert(e.msg[0] != '\0');
		agentproto_reply_free(&r);
	}
	/* the length given is the length read: no NUL needed, none past */
	ck_assert_int_eq(agentproto_reply_parse("{\"id\":1,\"ok\":true}XX",
	    18, &r, &e), 0);
	agentproto_reply_free(&r);
	big = malloc(AGENTPROTO_LINE_MAX + 2);
	memset(big, ' ', AGENTPROTO_LINE_MAX + 1);
	ck_assert_int_eq(agentproto_reply_parse(big, AGENTPROTO_LINE_MAX + 1,
	    &r, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "too long"));
	agentproto_reply_free(&r);
	free(big);
	/* a NUL inside a string is refused (jansson's rule) */
	{
		const char *t = "{\"id\":1,\"ok\":true,\"cmd\":\"a\\u0000b\"}";

		ck_assert_int_eq(agentproto_reply_parse(t, strlen(t), &r, &e),
		    -1);
		ck_assert_ptr_nonnull(strstr(e.msg, "not JSON"));
	}
	agentproto_reply_free(&r);
	/* an oversized string is cut, not overrun */
	{
		const char *t = "{\"id\":1,\"ok\":false,\"cmd\":\"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz\","
		    "\"error\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "\"}";

		ck_assert_int_eq(agentproto_reply_parse(t, strlen(t), &r, &e),
		    0);
		ck_assert_str_eq(r.cmd, "abcdefghijklmnopqrstuvwxyzabcde");
		ck_assert(!r.ok);
		agentproto_reply_free(&r);
	}
	/* 33 slots is not a view of a bus */
	{
		char t[1024] = "{\"id\":1,\"ok\":true,\"instances\":[{"
		    "\"instance\":\"a\",\"slots\":[{}";

		for (k = 1; k < 33; k++)
			strcat(t, ",{}");
		strcat(t, "]}]}");
		ck_assert_int_eq(agentproto_reply_parse(t, strlen(t), &r, &e),
		    -1);
		ck_assert_ptr_nonnull(strstr(e.msg, "32 slots"));
		agentproto_reply_free(&r);
	}
	ck_assert_int_eq(agentproto_reply_parse("{\"beat\":true}", 13, &r,
	    &e), 0);
	ck_assert(r.beat);
	agentproto_reply_free(&r);
}
END_TEST

START_TEST(urls)
{
	char user[64], node[256];
	struct err e;
	int port;

#define URL(s) fleet_host_parse_url(s, strlen(s), user, sizeof user, node, \
	sizeof node, &port, &e)
	ck_assert_int_eq(URL("ssh://node1"), 0);
	ck_assert_str_eq(node, "node1");
	ck_assert_str_eq(user, "");
	ck_assert_int_eq(port, 0);
	ck_assert_int_eq(URL("ssh://root@10.0.0.7:2222"), 0);
	ck_assert_str_eq(user, "root");
	ck_assert_str_eq(node, "10.0.0.7");
	ck_assert_int_eq(port, 2222);
	ck_assert_int_eq(URL("ssh://[fe80::1]:22"), 0);
	ck_assert_str_eq(node, "fe80::1");
	ck_assert_int_eq(URL("ssh://-oProxyCommand=x"), -1);
	ck_assert_int_eq(URL("ssh://node;rm"), -1);
	ck_assert_int_eq(URL("ssh://node:0"), -1);
	ck_assert_int_eq(URL("ssh://node:99999"), -1);
	ck_assert_int_eq(URL("ssh://@node"), -1);
	ck_assert_int_eq(URL("tcp://node"), -1);
	ck_assert_int_eq(URL("ssh://"), -1);
#undef URL
}
END_TEST

/* HOST/NAME instances, as the agent backend adds them. */
START_TEST(names)
{
	struct fleet f;
	struct err e;

	fleet_init(&f, NULL);
	ck_assert_int_eq(fleet_add(&f, "db", "unix:/nonexistent", &e), 0);
	ck_assert_int_eq(fleet_add_host(&f, "h1", "ssh://n1", NULL, &e), 0);
	ck_assert_int_eq(fleet_add_host(&f, "h2", "ssh://n2", NULL, &e), 1);
	ck_assert_int_eq(fleet_add_host(&f, "h2", "ssh://n3", NULL, &e), -1);
	ck_assert_int_eq(fleet_add_backend(&f, "h1/web", "unix:/x",
	    FLEET_BACK_AGENT, 1, &e), 1);
	ck_assert_int_eq(fleet_add_backend(&f, "h2/web", "unix:/x",
	    FLEET_BACK_AGENT, 2, &e), 2);
	ck_assert_int_eq(fleet_add_backend(&f, "h2/app", "unix:/x",
	    FLEET_BACK_AGENT, 2, &e), 3);
	ck_assert_int_eq(fleet_add_backend(&f, "h2/../x", "unix:/x",
	    FLEET_BACK_AGENT, 2, &e), -1);
	ck_assert_int_eq(fleet_find(&f, "db", &e), 0);
	ck_assert_int_eq(fleet_find(&f, "h2/web", &e), 2);
	ck_assert_int_eq(fleet_find(&f, "app", &e), 3);	/* unique */
	ck_assert_int_eq(fleet_find(&f, "web", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "h1/web, h2/web"));
	ck_assert_int_eq(fleet_find(&f, "h3/web", &e), -1);
	ck_assert_str_eq(fleet_agent_node_name(&f, 2), "web");
	/* a local instance of the same name wins over the hosts' */
	ck_assert_int_eq(fleet_add(&f, "web", "unix:/nonexistent", &e), 4);
	ck_assert_int_eq(fleet_find(&f, "web", &e), 4);
	fleet_free(&f);
}
END_TEST

/* A host's entry in list --json's "hosts" (cmd_json_host), in each of
 * its states: connecting (never tried: its instances unknown, null, even
 * with a row of it already there), ok through a real agent with no
 * instances (0, not null: it answered; ssh is a script that runs the
 * agent here), unreachable through the real ssh, which fails at once
 * (its -F file is missing: ssh's own words); without ssh the check is
 * skipped and says so. */
static char *jh_dir;
TU_TMPDIR_FIXTURE(jh, jh_dir)

static char *
host_json(const struct fleet *f, size_t h)
{
	json_t *j = cmd_json_host(f, h);
	char *s;

	ck_assert_ptr_nonnull(j);
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(json_host)
{
	char path[4300], cfg[4300], *s;
	struct fleet f;
	struct err e;
	FILE *fp;

	/* ssh on PATH is this dir's: it runs the agent here, as sshd's
	 * login would on a node (Check forks each test: PATH is ours) */
	snprintf(cfg, sizeof cfg, "%s/config", jh_dir);
	fp = fopen(cfg, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "monitor-dir %s\nruntime-dir %s\naudit-log %s/audit\n",
	    jh_dir, jh_dir, jh_dir);
	ck_assert_int_eq(fclose(fp), 0);
	snprintf(path, sizeof path, "%s/ssh", jh_dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "#!/bin/sh\ncase \"$*\" in *%s/missing*) PATH='%s' "
	    "exec ssh \"$@\";; esac\nexec '%s' --agent --config '%s'\n",
	    jh_dir, getenv("PATH"), tu_bin(), cfg);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(path, 0755), 0);
	snprintf(path, sizeof path, "%s:/usr/bin:/bin", jh_dir);
	ck_assert_int_eq(setenv("PATH", path, 1), 0);
	snprintf(path, sizeof path, "%s/missing", jh_dir);

	fleet_init(&f, NULL);
	f.monitor_timeout_ms = 2000;
	ck_assert_int_eq(fleet_add_host(&f, "h1", "ssh://root@n1:2222", NULL,
	    &e), 0);
	ck_assert_int_eq(fleet_add_host(&f, "h2", "ssh://n2", path, &e), 1);
	ck_assert_int_eq(fleet_add_host(&f, "h3", "ssh://n3", NULL, &e), 2);
	/* before anything was tried */
	s = host_json(&f, 0);
	ck_assert_str_eq(s, "{\"conn\":\"connecting\",\"error\":null,"
	    "\"host\":\"h1\",\"instances\":null,\"url\":"
	    "\"ssh://root@n1:2222\"}");
	free(s);
	ck_assert_int_eq(fleet_add_backend(&f, "h3/web", "unix:/x",
	    FLEET_BACK_AGENT, 3, &e), 0);
	s = host_json(&f, 2);
	ck_assert_str_eq(s, "{\"conn\":\"connecting\",\"error\":null,"
	    "\"host\":\"h3\",\"instances\":1,\"url\":\"ssh://n3\"}");
	free(s);
	/* h1 answers (no instances), h2's ssh fails; h3 has a row but its
	 * agent answers with none: that row is gone, not h3's count */
	ck_assert_int_eq(fleet_hosts_wait(&f, 20000), 2);
	s = host_json(&f, 0);
	ck_assert_str_eq(s, "{\"conn\":\"ok\",\"error\":null,\"host\":"
	    "\"h1\",\"instances\":0,\"url\":\"ssh://root@n1:2222\"}");
	free(s);
	s = host_json(&f, 1);
	ck_assert_msg(strncmp(s, "{\"conn\":\"unreachable\",\"error\":\"host "
	    "h2: ssh to n2 failed: Can't open user config file ", 86) == 0 &&
	    strstr(s, "\",\"host\":\"h2\",\"instances\":null,\"url\":"
	    "\"ssh://n2\"}") != NULL, "%s", s);
	free(s);
	ck_assert_int_eq(fleet_host_state(&f, 2), FLEET_HOST_OK);
	ck_assert_int_eq(f.inst[0].conn, INST_UNREACHABLE);
	fleet_free(&f);
}
END_TEST

Suite *
agentproto_suite(void)
{
	Suite *s = suite_create("agentproto");
	TCase *tc = tcase_create("agentproto");

	tcase_add_test(tc, hello);
	tcase_add_test(tc, real_refresh);
	tcase_add_test(tc, view_round_trip);
	tcase_add_test(tc, hostile_replies);
	tcase_add_test(tc, urls);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	tc = tcase_create("json_host");
	tu_tcase_require(tc, tu_missing((const char *const[]){ "ssh",
	    NULL }));
	tcase_add_checked_fixture(tc, jh_up, jh_down);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, json_host);
	suite_add_tcase(s, tc);
	return s;
}
