/* SPDX-License-Identifier: GPL-3.0-or-later */
/* testutil.h - helpers shared by the Check suites and the benchmarks:
 * fixture files, temp dirs (testutil.c), the rule for checks that need an
 * outside program or privilege (skip.c), how long a test may wait
 * (slow.c), and the one QEMU starter (qemu.c).  The scripted
 * socket peer is peer.h, the relay to a real QEMU relay.h, the tmux
 * driver tmuxdrv.h.
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

/* DIR/REL in one of four static buffers taken in turn, so that up to four
 * can be used at once (in one call's arguments). */
char *tu_path(const char *dir, const char *rel);

/* The text of the file at path (its first 1 MiB less a byte), malloc'd
 * and NUL-terminated; "<missing>" (malloc'd too) when it cannot be
 * opened.  free() it. */
char *tu_slurp(const char *path);

/* mkdtemp under $TMPDIR; the caller removes it with tu_rmrf. Returns a
 * malloc'd path. */
char *tu_tmpdir(void);
void tu_rmrf(const char *path);
/* A temp dir for each test: tu_tmpdir into *dir (a failure fails the
 * test), and after it removed and freed (*dir NULL).  TU_TMPDIR_FIXTURE
 * makes name_up / name_down for tcase_add_checked_fixture around var. */
void tu_tmpdir_up(char **dir);
void tu_tmpdir_down(char **dir);
#define TU_TMPDIR_FIXTURE(name, var) \
	static void name##_up(void) { tu_tmpdir_up(&var); } \
	static void name##_down(void) { tu_tmpdir_down(&var); }

/* Tests that change the environment put it back (CK_FORK=no runs every
 * test in one process): tu_env_save gives the variable's value now
 * (malloc'd, NULL when unset), tu_env_restore sets it back to that (or
 * unsets it) and frees saved. */
char *tu_env_save(const char *name);
void tu_env_restore(const char *name, char *saved);

/* Milliseconds on the monotonic clock (an arbitrary origin), for the
 * tests' own deadlines: read here, not through core's clock_mono_ms, so
 * that a bug in the clock under test cannot stretch or cut them. */
long tu_ms_now(void);

/* 1 when running in CI (CI=true). */
int tu_in_ci(void);

/* Does PATH have this program? */
int tu_have_program(const char *prog);

/* Checks that need something of the machine (a program, root, a device,
 * a guest kernel).  A suite always adds all its checks; those that
 * cannot run here are skipped, never dropped and never counted as
 * passed:
 *  - tu_skip(why) ends the running check: in CI (CI=true) as a failure
 *    saying why and that CI must run it; elsewhere as a skip, recorded
 *    for the runner's summary ("N skipped: why") -- the check's process
 *    exits, so Check must be in its default fork mode;
 *  - tu_tcase_require(tc, missing): when missing is not NULL (a reason,
 *    e.g. from tu_missing), every check of tc does tu_skip(missing) before
 *    it runs.  Call it before adding tc's checked fixtures; its unchecked
 *    fixtures still run, and must cope (tu_vm_up does).
 *  - tu_missing(progs): NULL when every program of the NULL-terminated
 *    list is on PATH, else "PROG is not installed" for the first missing
 *    one (a static buffer, one of several in turn); tu_missing_qemu() for
 *    qemu-system-x86_64 alone. */
void tu_skip(const char *why) __attribute__((noreturn));
struct TCase;
void tu_tcase_require(struct TCase *tc, const char *missing);
/* A test case name in s, made the usual way: tu_tcase_require(missing),
 * the unchecked fixture up/down (run in the runner, so it also cleans up
 * after a failed test; none when both are NULL), a timeout in seconds
 * (Check's default when 0).  Add its tests, and any checked fixture (run
 * in each check's own process, after the tu_tcase_require one), to the
 * returned case; Check frees it with s. */
struct Suite;
struct TCase *tu_tcase_new(struct Suite *s, const char *name,
    const char *missing, void (*up)(void), void (*down)(void), int timeout);
const char *tu_missing(const char *const *progs);
const char *tu_missing_qemu(void);

/* Deadlines (slow.c).  A test's own wait for something that must come
 * (a greeting, a screen, a process gone) is bounded by tu_ms(MS): MS on
 * the plain build of an idle machine, times the one knob, Check's
 * CK_TIMEOUT_MULTIPLIER, which also scales every test case's timeout.
 * The runner calls tu_slow_setup before it makes the suites: it
 * multiplies the knob (1 when unset) by the build's factor (5 under
 * ASan+UBSan).  Set CK_TIMEOUT_MULTIPLIER=N to give a loaded machine N
 * times as long.  tu_slow() is the knob's value now. */
double tu_slow(void);
void tu_slow_setup(void);
int tu_ms(int ms);

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

/* Which QEMU: Debian 12's 7.2 (qemu-system-x86_64 on PATH), or the 10.0
 * that scripts/install-qemu10 unpacks ($SLOTSCOPE_QEMU10, default
 * /opt/slotscope-qemu10/bin/qemu-system-x86_64).  Suites that run against
 * both add their cases twice; Check's loop index _i is the enum value. */
enum tu_qemu { TU_QEMU_72 = 0, TU_QEMU_10 = 1 };
/* "7.2" / "10.0": for tcase names and messages. */
const char *tu_qemu_name(enum tu_qemu q);
/* The program to run for q (a static string). */
const char *tu_qemu_bin(enum tu_qemu q);
/* tu_qemu_start with that QEMU. */
int tu_qemu_start_v(enum tu_qemu q, const char *dir, const char *machine,
    const char *extra);
/* Why QEMU q cannot run here (for tu_tcase_require), or NULL: 7.2 as
 * tu_missing_qemu(); 10.0 also needs the binary to run and say 10.0. */
const char *tu_missing_qemu_v(enum tu_qemu q);
const char *tu_missing_qemu10(void);
/* The pid in DIR/qemu.pid, 0 when there is none. */
long tu_qemu_pid(const char *dir);
/* 1 when a unix socket DIR/NAME is listening (bound is not enough). */
int tu_listening(const char *dir, const char *name);
/* Wait (tu_ms(timeout_ms) at most) until DIR/NAME listens and no
 * connection to it is left: after a client closes, QEMU lets go of its
 * end from its main loop, and only then accepts the next client, which
 * otherwise waits for its greeting meanwhile.  1 when so, else 0. */
int tu_unix_idle(const char *dir, const char *name, int timeout_ms);
/* For a test that runs `slotscope --simulate` itself: 1 once DIR/NAME
 * is there as a socket (tu_ms(timeout_ms) at most), else 0.  The
 * simulator binds and listens under a temporary name and renames the
 * socket into place (core/sim/simsock.c), so the file there means it
 * accepts; tu_listening cannot tell, /proc/net/unix keeps the name it was
 * bound to. */
int tu_sim_serves(const char *dir, const char *name, int timeout_ms);
/* Kill the QEMU whose pid is in DIR/qemu.pid (SIGTERM, then SIGKILL) and
 * wait until it is gone.  Harmless when none runs. */
void tu_qemu_stop(const char *dir);

/* A QEMU for a suite's fixture: paused (tu_qemu_start with machine and
 * extra), or with guest set the tiny booted guest of
 * tests/scripts/boot-test-guest.sh (extra: more QEMU arguments for it).  tu_vm_up sets dir and up; a test
 * asserts up.  tu_vm_down stops it and removes dir (on every path).
 * Without qemu-system-x86_64 tu_vm_up does nothing (up stays 0): the
 * suite marks such test cases with tu_tcase_require. */
struct tu_vm {
	const char *machine;
	const char *extra;
	int guest;
	enum tu_qemu qemu;	/* TU_QEMU_72 unless set */
	char *dir;
	int up;
};
void tu_vm_up(struct tu_vm *v);
void tu_vm_down(struct tu_vm *v);
/* name_up / name_down for tcase_add_(un)checked_fixture around var. */
#define TU_VM_FIXTURE(name, var) \
	static void name##_up(void) { tu_vm_up(&var); } \
	static void name##_down(void) { tu_vm_down(&var); }
/* The same for both QEMUs: var is a struct tu_vm[2], var[q] runs QEMU q;
 * name_up[q] / name_down[q] are its fixture functions. */
#define TU_VM_FIXTURE2(name, var) \
	static void name##0_up(void) { tu_vm_up(&var[0]); } \
	static void name##0_down(void) { tu_vm_down(&var[0]); } \
	static void name##1_up(void) \
	{ var[1].qemu = TU_QEMU_10; tu_vm_up(&var[1]); } \
	static void name##1_down(void) { tu_vm_down(&var[1]); } \
	static void (*const name##_up[2])(void) = { name##0_up, name##1_up }; \
	static void (*const name##_down[2])(void) = { name##0_down, \
	    name##1_down };
/* add(s, TU_QEMU_72), then add(s, TU_QEMU_10): every case is added for
 * both; add marks q's cases with tu_tcase_require(tc,
 * tu_missing_qemu_v(q)), so the 10.0 ones skip (fail in CI) without it. */
void tu_qemu_cases(struct Suite *s,
    void (*add)(struct Suite *, enum tu_qemu));

#endif
