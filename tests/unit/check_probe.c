/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_probe.c - the --probe formats, from real transcripts: one line per
 * slot, the JSON shape, and devices behind a bridge kept off bus 0. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd_json.h"
#include "qemu/hmp.h"
#include "qemu/probe.h"
#include "fixparse.h"
#include "testutil.h"

static void
load(struct probe *p, const char *rel)
{
	memset(p, 0, sizeof *p);
	strcpy(p->endpoint, "unix:/run/x.qmp");
	p->proto = MON_PROTO_QMP;
	p->version.major = 7;
	p->version.minor = 2;
	p->version.micro = 22;
	strcpy(p->version.package, "Debian 1:7.2+dfsg-7+deb12u18+b3");
	fixparse_hmp_pci(rel, &p->pci);
}

START_TEST(text_one_line_per_slot)
{
	struct probe p;
	char *t, *line;
	int lines = 0;

	load(&p, "hmp/info-pci-bridge.raw");
	t = probe_text(&p);
	ck_assert_ptr_nonnull(t);
	for (line = t; (line = strchr(line, '\n')) != NULL; line++)
		lines++;
	ck_assert_int_eq(lines, 33);
	ck_assert_int_eq(strncmp(t, "unix:/run/x.qmp: QEMU 7.2.22 (Debian "
	    "1:7.2+dfsg-7+deb12u18+b3) over QMP\n", 72), 0);
	/* the NIC behind the bridge (bus 1, slot 3) is not in bus 0 slot 3 */
	ck_assert_ptr_nonnull(strstr(t, "\nslot  3  occupied  fn 0 Ethernet "
	    "controller [8086:100e]\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nslot  4  occupied  fn 0 PCI bridge "
	    "[1b36:0001] id br1\n"));
	ck_assert_ptr_null(strstr(t, "behind-3"));
	ck_assert_ptr_nonnull(strstr(t, "\nslot  5  free\n"));
	free(t);
	probe_free(&p);
}
END_TEST

START_TEST(json_shape)
{
	struct probe p;
	char *s;
	json_t *j, *slots, *f;
	int i;

	load(&p, "hmp/info-pci-full.raw");
	s = cmd_json_probe_text(&p);
	j = json_loads(s, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "qemu")),
	    "7.2.22");
	ck_assert_str_eq(json_string_value(json_object_get(j, "protocol")),
	    "qmp");
	slots = json_object_get(j, "slots");
	ck_assert_uint_eq(json_array_size(slots), 32);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "schema")), 1);
	ck_assert(json_is_true(json_object_get(j, "read")));
	/* no runtime file: a device with an id is foreign, without one
	 * builtin; a probe knows no reservation */
	for (i = 0; i < 32; i++) {
		json_t *sl = json_array_get(slots, (size_t)i);
		const char *st = json_string_value(json_object_get(sl,
		    "state"));

		ck_assert_msg(strcmp(st, "builtin") == 0 ||
		    strcmp(st, "foreign") == 0, "slot %d: %s", i, st);
		ck_assert(json_is_false(json_object_get(sl, "reserved")));
	}
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    slots, 31), "state")), "foreign");
	f = json_array_get(json_object_get(json_array_get(slots, 31),
	    "functions"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(f, "vendor")),
	    "1af4");
	ck_assert_str_eq(json_string_value(json_object_get(f, "device")),
	    "1000");
	ck_assert_str_eq(json_string_value(json_object_get(f, "class")),
	    "Ethernet controller");
	ck_assert_int_gt(strlen(json_string_value(json_object_get(f, "id"))),
	    0);
	json_decref(j);
	free(s);
	probe_free(&p);
}
END_TEST

Suite *
probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *t = tcase_create("probe");

	tcase_add_test(t, text_one_line_per_slot);
	tcase_add_test(t, json_shape);
	suite_add_tcase(s, t);
	return s;
}
