/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cmd_int.h - what the files of core/cmd share (not for callers of the
 * language; they use cmd.h).
 *
 * A command is one entry in cmd.c's table plus one exec function in the
 * file of its family (cmd_views.c: list, show, version; cmd_slots.c:
 * reserve, free, next; cmd_ids.c: id, parse-id; cmd_devices.c: hotplug,
 * unplug; cmd_session.c: refresh, quit; cmd_help.c: help).  The dispatcher
 * checks the number of arguments and the entry's options before exec is
 * called, so exec gets exactly what its entry allows.  Completion
 * (cmd_complete.c) reads each argument's kind from the entry.
 */
#ifndef SLOTSCOPE_CMD_INT_H
#define SLOTSCOPE_CMD_INT_H

#include <stddef.h>

#include "base/strbuf.h"
#include "cmd/cmd.h"
#include "cmd/cmd_words.h"

#define CMD_MANY CMD_MAX_WORDS	/* max: as many arguments as a line holds */
#define CMD_NARG 4		/* arguments whose completion is given */
#define CMD_NOPT 2		/* options an entry may have */

/* An entry's flags. */
enum {
	CMD_F_OPTIONS = 1 << 0,	/* a word starting with '-' is an option */
	CMD_F_NEGNUM = 1 << 1,	/* ... except "-" and "-N" (a slot typed
				 * negative gets the slot parser's error) */
	CMD_F_BATCH = 1 << 2,	/* known only when not interactive */
	CMD_F_TUI = 1 << 3,	/* known only when interactive */
};

/* What completion offers for an argument (bits; cmd_complete.c). */
enum {
	CMD_C_CMD = 1 << 0,		/* a command name */
	CMD_C_INST = 1 << 1,		/* an instance name */
	CMD_C_SLOT_FREE = 1 << 2,	/* a slot of argument 1 reserve takes */
	CMD_C_SLOT_RES = 1 << 3,	/* a reserved slot of argument 1 */
	CMD_C_TYPE = 1 << 4,		/* nic, disk */
	CMD_C_DEV = 1 << 5,		/* a recorded device (id or slot) of
					 * argument 1 */
	CMD_C_KEY = 1 << 6,		/* hotplug's KEY=VALUE for the type in
					 * argument 2 */
	CMD_C_OPT = 1 << 7,		/* the entry's options */
	CMD_C_OPT_DASH = 1 << 8,	/* the options, once a '-' is typed */
};

/* What exec gets: the command's name, then its arguments as typed, the
 * options taken out.  The strings belong to the dispatcher. */
struct cmd_args {
	const char *w[CMD_MAX_WORDS];
	size_t n;			/* 1 + the number of arguments */
	unsigned opt;			/* bit k: the entry's options[k] was
					 * given (cmd_opt) */
};

struct cmd_entry;
/* Was the option called name given (an option of the entry)? */
int cmd_opt(const struct cmd_entry *ce, const struct cmd_args *a,
    const char *name);

struct cmd_entry;
typedef int (*cmd_exec_fn)(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, struct cmd_result *r);

struct cmd_entry {
	const char *name;
	const char *alias;	/* also runs under this name (not listed), or
				 * NULL */
	int min, max;		/* arguments (the options not counted) */
	const char *options[CMD_NOPT];	/* its options ("--json"), NULL
					 * after the last */
	unsigned flags;		/* CMD_F_* */
	const char *usage;	/* one line */
	const char *help;	/* one paragraph, starts with the usage */
	cmd_exec_fn exec;
	unsigned arg[CMD_NARG];	/* CMD_C_* of argument 1, 2, ...; the last
				 * one repeats when max is CMD_MANY */
};

/* cmd.c: the table. */
/* The i-th entry known in c's mode (c NULL: batch), NULL after the last. */
const struct cmd_entry *cmd_entry_at(const struct cmd_ctx *c, size_t i);
/* The entry called name (aliases too when with_alias) in c's mode, or
 * NULL. */
const struct cmd_entry *cmd_find(const struct cmd_ctx *c, const char *name,
    int with_alias);

/* The exec functions, by family. */
int cmd_list_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_show_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_version_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_resfree_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_next_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_id_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_parse_id_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_hotplug_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_unplug_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_adopt_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_forget_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
/* cmd_virt.c: hotplug / unplug of libvirt domain i, through libvirt. */
int cmd_virt_hotplug(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *, size_t i);
int cmd_virt_unplug(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *, size_t i);
int cmd_refresh_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_refresh_bg_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_cancel_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_quit_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);
int cmd_help_exec(struct cmd_ctx *, const struct cmd_entry *,
    const struct cmd_args *, struct cmd_result *);

/* cmd_backend.c: a device's backend as commands show it.  cmd_target
 * fills t for instance i; cmd_dev_text appends the device's one line (no
 * newline) to s, chk NULL: not checked against QEMU (its JSON object is
 * cmd_json_device, cmd_json.h). */
struct hotplug_target;
struct devcheck;
struct store_dev;
void cmd_target(const struct cmd_ctx *c, size_t i, struct hotplug_target *t);
void cmd_dev_text(struct strbuf *s, const struct store_dev *d,
    const struct devcheck *chk);
/* Recorded device d of instance i (rt: its runtime view) against the bus
 * i's last refresh read, root: fleet_view's states of i against rt:
 * "missing" (the slots' word) when it is not on that bus, its recorded
 * state ("plugged", "unplugging") when it is, NULL when that was not
 * checked (the bus was not read, or d's bus behind a bridge is not
 * known).  The string is static. */
struct slot_view;
struct store_rt;
const char *cmd_dev_bus_state(const struct cmd_ctx *c, size_t i,
    const struct store_rt *rt, const struct slot_view root[32],
    const struct store_dev *d);

/* cmd_util.c: results.  cmd_fail sets a one-line failure (newlines become
 * blanks) and returns -1; cmd_succeed takes b's text (trailing newlines
 * dropped) and j (owned; NULL or b out of memory make it a failure). */
int cmd_fail(struct cmd_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cmd_usage(struct cmd_result *r, const struct cmd_entry *ce);
/* cmd_fail, keeping j (owned) as the failure's JSON value (show's view of
 * an unread bus); without it the dispatcher gives a failure the error
 * object of cmd_json.h. */
int cmd_fail_json(struct cmd_result *r, json_t *j, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cmd_succeed(struct cmd_result *r, struct strbuf *b, json_t *j);

/* cmd_util.c: the fleet as commands use it. */
/* The instance called name, or -1 with "CMD: no instance ..." in r. */
long cmd_inst(struct cmd_ctx *c, const struct cmd_entry *ce,
    const char *name, struct cmd_result *r);
/* cmd_inst for a command that changes an instance's runtime file
 * (reserve, free, adopt, forget): a libvirt domain (instance.back) is
 * refused. */
long cmd_qemu_inst(struct cmd_ctx *c, const struct cmd_entry *ce,
    const char *name, struct cmd_result *r);
int cmd_parse_slot(const struct cmd_entry *ce, const char *w, int *slot,
    struct cmd_result *r);
int cmd_have_rtdir(const struct cmd_ctx *c);
/* What refreshes reported goes to its owners: confirmed unplugs
 * (fleet/unplug) and intents of operations that died (fleet/journal;
 * resolved instances are refreshed again, so the view shows the result). */
void cmd_record_reported(struct cmd_ctx *c);
/* Refresh instance i now and wait for it (i == (size_t)-1: all), then
 * cmd_record_reported. */
void cmd_refresh_now(struct cmd_ctx *c, size_t i);
/* See instance i's live bus once if it never was; finish a refresh under
 * way (so that it does not hold the monitor socket). */
void cmd_ensure_seen(struct cmd_ctx *c, size_t i);
/* Why instance i's bus is not read (its monitor's error, or "the bus was
 * not read yet"). */
void cmd_unread_reason(const struct instance *in, char *buf, size_t sz);
/* A command that needs the live bus: 0 when the last refresh read it,
 * else -1 with "CMD: INST: the bus could not be read (CONN): WHY[; hint]"
 * in r. */
int cmd_need_bus(struct cmd_ctx *c, const struct cmd_entry *ce, size_t i,
    const char *hint, struct cmd_result *r);
/* cmd_remote.c: run the command of ws (its entry ce) on agent instance
 * i's node (fleet/fleetagent.h) as this command's result. */
struct cmd_words;
int cmd_remote_exec(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_words *ws, size_t i, struct cmd_result *r);
/* Append to the audit log (when there is one); a failure to write it is
 * noted in b when b is not NULL. */
void cmd_audit(struct cmd_ctx *c, const char *inst, const char *what,
    const char *result, struct strbuf *b);
/* cmd_mgr.c: on a managed instance i, refuse (-1, r filled with the
 * manager's command) unless force; with force 0 and note gets the audit's
 * " --force (managed by ganeti)" ("" when unmanaged).  act and arg as
 * mgr_refusal takes them. */
enum mgr_action;
int cmd_respect(struct cmd_ctx *c, const struct cmd_entry *ce, size_t i,
    enum mgr_action act, const char *arg, const char *const *kv, size_t nkv,
    int force, char *note, size_t notesz, struct cmd_result *r);
/* unplug --force on a managed instance of a device its manager placed
 * (a[2]: its id or root-bus slot): unplugged, audited with what, recorded
 * nowhere.  0: a[2] names no such device (nothing done, r untouched); 1
 * done, -1 failed (r filled either way). */
int cmd_mgr_unplug(struct cmd_ctx *c, const struct cmd_entry *ce,
    const struct cmd_args *a, size_t i, const char *what,
    struct cmd_result *r);
/* The place a new device takes on instance i (places_first), off the
 * places its manager keeps or records a device at, on every bus (t gets
 * the tree, those places held: mgr_hold). */
struct store_rt;
struct err;
struct pcitree;
struct place;
int cmd_mgr_place(struct cmd_ctx *c, size_t i, struct store_rt *rt,
    struct pcitree *t, struct place *p, struct err *e);
/* The manager in show's JSON ({"kind", "vmid", "name", "format",
 * "machine", "command", "pci_reservations", "error"}); a slot's owner,
 * uuid, manager_name, mac, link, conflict added to its JSON object o;
 * show's text: the instance's manager line and a slot's
 * "  [ganeti: eth0]  CONFLICT: ..." */
json_t *cmd_mgr_json(const struct instance *in);	/* in NULL: a probe */
void cmd_mgr_slot_json(json_t *o, const struct slot_view *v);
void cmd_mgr_show_line(struct strbuf *b, const struct instance *in);
void cmd_mgr_show_slot(struct strbuf *b, const struct slot_view *v);
/* "7.2.22", or "" before the version is known. */
void cmd_qemu_text(const struct instance *in, char *out, size_t sz);

#endif
