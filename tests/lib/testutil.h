/* testutil.h - helpers shared by the Check suites and the benchmarks:
 * fixture files, temp dirs, the rule for suites that need an outside
 * program (testutil.c), and the one QEMU starter (qemu.c).  The scripted
 * socket peer is peer.h, the tmux driver tmuxdrv.h.
 */
#ifndef SLOTSCOPE_TESTUTIL_H
#define SLOTSCOPE_TESTUTIL_H

#include <stddef.h>

/* Read tests/fixtures/REL whole; aborts the test (ck_abort) when missing.
 * The buffer is NUL-terminated beyond *len; free() it. */
char *tu_fixture(const char *rel, size_t *len);

/* Absolute path of a file in the source tree, in a static buffer. */
const char *tu_srcpath(const char *rel);

/* The slotscope binary under test (SLOTSCOPE_BIN). */
const char *tu_bin(void);

/* mkdtemp under $TMPDIR; the caller removes it with tu_rmrf. Returns a
 * malloc'd path. */
char *tu_tmpdir(void);
void tu_rmrf(const char *path);

/* 1 when running in CI (CI=true). */
int tu_in_ci(void);

/* Does PATH have this program?  When it does not: in CI, returns 0 and the
 * caller must add a failing test (tu_missing_suite); outside CI the caller
 * skips the suite and this prints why on stderr. */
int tu_have_program(const char *prog);

/* A suite with one test that fails, saying the program is missing: what a
 * suite returns in CI when tu_have_program() said no. */
struct Suite *tu_missing_suite(const char *name, const char *prog);

/* An empty suite that runs nothing (outside CI, with the reason printed). */
struct Suite *tu_skipped_suite(const char *name, const char *why);

/* Run a shell command, capturing stdout+stderr (malloc'd, NUL-terminated)
 * and the exit status.  Returns the exit status, -1 on failure to run. */
int tu_run(const char *cmd, char **out);

/* A paused QEMU for integration tests: `qemu-system-x86_64 -machine
 * MACHINE,accel=tcg -S -display none -m 128` with HMP on DIR/hmp.sock, QMP
 * on DIR/qmp.sock, pid in DIR/qemu.pid, output in DIR/qemu.log.  It is
 * a child of the calling process and dies with it (PR_SET_PDEATHSIG), so
 * a test killed by its timeout leaves no QEMU behind.  extra: more
 * arguments (shell words, trusted test text) or NULL.  Returns 0 once
 * both sockets exist, -1 (and prints QEMU's output) otherwise.  Call
 * tu_qemu_stop(DIR) on every path, also after a failure. */
int tu_qemu_start(const char *dir, const char *machine, const char *extra);
/* The pid in DIR/qemu.pid, 0 when there is none. */
long tu_qemu_pid(const char *dir);
/* 1 when a unix socket DIR/NAME is listening (bound is not enough). */
int tu_listening(const char *dir, const char *name);
/* Kill the QEMU whose pid is in DIR/qemu.pid (SIGTERM, then SIGKILL) and
 * wait until it is gone.  Harmless when none runs. */
void tu_qemu_stop(const char *dir);

/* A QEMU for a suite's fixture: paused (tu_qemu_start with machine and
 * extra), or with guest set the tiny booted guest of
 * tests/scripts/boot-test-guest.sh.  tu_vm_up sets dir and up; a test
 * asserts up.  tu_vm_down stops it and removes dir (on every path). */
struct tu_vm {
	const char *machine;
	const char *extra;
	int guest;
	char *dir;
	int up;
};
void tu_vm_up(struct tu_vm *v);
void tu_vm_down(struct tu_vm *v);
/* name_up / name_down for tcase_add_(un)checked_fixture around var. */
#define TU_VM_FIXTURE(name, var) \
	static void name##_up(void) { tu_vm_up(&var); } \
	static void name##_down(void) { tu_vm_down(&var); }

#endif
