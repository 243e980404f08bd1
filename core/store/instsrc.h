/* SPDX-License-Identifier: GPL-3.0-or-later */
/* instsrc.h - where the list of instances comes from: NAME=ENDPOINT
 * arguments, a Ganeti-style monitor dir, and the config file.
 *
 * The config file (default $XDG_CONFIG_HOME/slotscope/config, else
 * $HOME/.config/slotscope/config; or --config FILE) is UTF-8 text, one
 * directive per line, words separated by blanks:
 *
 *   # comment (also after a directive: "interval 2  # seconds")
 *   instance NAME ENDPOINT     a monitor: unix:PATH, tcp:HOST:PORT or PATH
 *   monitor-dir DIR            discover sockets there (may repeat)
 *   runtime-dir DIR            where the live runtime files live
 *   state-dir DIR              where what outlives a reboot lives: the
 *                              reservation seeds, the audit log (store.h)
 *   audit-log FILE             where changes are logged
 *   interval SECONDS           refresh period, 0.1 .. 3600
 *   monitor-timeout MS         connect + answer deadline, 10 .. 60000
 *   audit-syslog on|off        audit lines also to syslog (see below)
 *   libvirt URI                every running domain of this libvirt
 *                              connection (may repeat; fleetvirt.h)
 *   manager NAME ganeti|proxmox|none [VMID]
 *                              who owns instance NAME (core/mgr), when
 *                              the layout does not say or says wrong
 *   ganeti-dir DIR             Ganeti's kvm-hypervisor dir (ctrl/,
 *                              runtime/), default MGR_GANETI_ROOT
 *   proxmox-run-dir DIR        Proxmox's VMID.qmp dir, MGR_PROXMOX_RUN
 *   proxmox-conf-dir DIR       Proxmox's VMID.conf dir, MGR_PROXMOX_CONF
 *   host NAME ssh://[USER@]NODE[:PORT]
 *                              another host, its instances through
 *                              `slotscope --agent` there (fleetagent.h;
 *                              the address is checked when it is added)
 *   ssh-config FILE            ssh -F FILE for the hosts (default: ssh's
 *                              own, ~/.ssh/config)
 *
 * The system config (INSTSRC_SYSTEM_CONFIG, /etc/slotscope/config) is read
 * before the user's default one, never before a --config FILE: the user's
 * file then adds instances and monitor dirs and overrides settings, and an
 * instance it names again gets the user's endpoint.
 *
 * audit-syslog on|off (default off) says whether audit lines also go to
 * syslog: main then gives the fleet AUDIT_SYSLOG_SOCKET (fleet.audit_syslog),
 * and every audit line goes out through audit_record().
 *
 * A word cannot contain blanks or '#' (paths with them are refused with a
 * message).  Any error names the line: "config line 3: ...".
 *
 * Memory: struct instsrc_list and struct instsrc_config own their arrays;
 * free them with instsrc_list_free / instsrc_config_free.
 */
#ifndef SLOTSCOPE_INSTSRC_H
#define SLOTSCOPE_INSTSRC_H

#include <stddef.h>

#include "base/err.h"
#include "base/nameidx.h"
#include "mgr/mgrref.h"

#define INSTSRC_GANETI_DIR "/var/run/ganeti/kvm-hypervisor/ctrl"
#ifndef INSTSRC_SYSTEM_CONFIG
#define INSTSRC_SYSTEM_CONFIG "/etc/slotscope/config"
#endif
#define INSTSRC_CONFIG_MAX (256 * 1024)	/* bytes in a config file */
#define INSTSRC_MAX_LIBVIRT 8	/* `libvirt` lines */
#define INSTSRC_MAX_HOSTS 64	/* `host` lines (FLEET_MAX_HOSTS) */

/* A `host` line or a --host NAME=URL. */
struct instsrc_host {
	char name[64];
	char url[300];
};

struct instsrc {
	char name[64];		/* store_check_name() rules */
	char endpoint[256];	/* unix:PATH, tcp:HOST:PORT or PATH */
	struct mgr_ref mgr;	/* its manager (mgr_detect_list), zeroed
				 * (none) by instsrc_list_add */
};

/* A `manager` line. */
struct instsrc_mgr {
	char name[64];
	enum mgr_kind kind;
	char vmid[16];		/* "" = the name */
};

struct instsrc_list {
	struct instsrc *v;	/* owned */
	size_t n, cap;
	struct nameidx idx;	/* names -> positions in v, owned */
};

struct instsrc_config {
	struct instsrc_list inst;	/* `instance` lines, in file order */
	char monitor_dir[8][1024];	/* `monitor-dir` lines */
	int nmonitor_dir;
	char runtime_dir[1024];		/* "" = not set */
	char state_dir[1024];		/* "" = not set */
	char audit_log[1024];		/* "" = not set */
	double interval;		/* 0 = not set */
	int monitor_timeout_ms;		/* 0 = not set */
	int audit_syslog;		/* 0 = not set, 1 = on, -1 = off */
	char libvirt[INSTSRC_MAX_LIBVIRT][1024];	/* `libvirt` URIs */
	int nlibvirt;
	struct mgr_roots roots;		/* "" = not set (the defaults) */
	struct instsrc_mgr mgr[64];	/* `manager` lines */
	int nmgr;
	struct instsrc_host host[INSTSRC_MAX_HOSTS];	/* `host` lines */
	int nhost;
	char ssh_config[1024];		/* `ssh-config`, "" = not set */
	/* Read before the default config; instsrc_config_init sets
	 * INSTSRC_SYSTEM_CONFIG, NULL = none (tests give their own). */
	const char *system_config;
	size_t nsystem_inst;		/* inst.v[0..n) came from it */
};

void instsrc_list_init(struct instsrc_list *l);
void instsrc_list_free(struct instsrc_list *l);
/* Append name/endpoint after checking both; a name already in the list is
 * an error ("instance web1 is given twice"). */
int instsrc_list_add(struct instsrc_list *l, const char *name,
    const char *endpoint, struct err *e);
/* Index of name, or -1. */
long instsrc_list_find(const struct instsrc_list *l, const char *name);

/* An endpoint as the monitor client takes it: unix:PATH, tcp:HOST:PORT or
 * a PATH; at most 255 bytes, printable, no blanks.  (The monitor client
 * checks the details when it connects.) */
int instsrc_check_endpoint(const char *buf, size_t len, struct err *e);

/* Parse NAME=URL (--host) from (buf, len): NAME as store_check_name, URL
 * starting ssh:// (fleet_add_host checks the rest). */
int instsrc_parse_host(const char *buf, size_t len, struct instsrc_host *out,
    struct err *e);

/* Parse one NAME=ENDPOINT command-line argument from (buf, len). */
int instsrc_parse_arg(const char *buf, size_t len, struct instsrc *out,
    struct err *e);

/* Discover the instances of a Ganeti-style control dir: every socket
 * NAME.qmp or NAME.monitor (NAME.qmp preferred when both exist; other files
 * such as NAME.serial and NAME.kvmd are ignored), added to l sorted by name
 * as "unix:DIR/NAME.qmp".  Names already in l are skipped (an explicit
 * NAME=ENDPOINT wins).  A missing dir is an error naming it. Returns how
 * many were added. */
int instsrc_scan_dir(const char *dir, struct instsrc_list *l, struct err *e);

/* The default to try when no source was given: scan INSTSRC_GANETI_DIR if
 * it exists (0 added when it does not; other errors are errors). */
int instsrc_scan_default(struct instsrc_list *l, struct err *e);

void instsrc_config_init(struct instsrc_config *c);
void instsrc_config_free(struct instsrc_config *c);
/* Parse a config file's text (buf, len).  On error c keeps what the lines
 * before the bad one set; free it either way. */
int instsrc_parse_config(const char *buf, size_t len,
    struct instsrc_config *c, struct err *e);
/* Read and parse a config file.  must_exist = 0 is the default path's
 * case: a missing file is an empty config, and c->system_config (missing
 * or not) is read first.  Returns 1 when path was read, 0 when missing. */
int instsrc_load_config(const char *path, int must_exist,
    struct instsrc_config *c, struct err *e);
/* $XDG_CONFIG_HOME/slotscope/config, else $HOME/.config/slotscope/config. */
int instsrc_default_config(char *out, size_t outsz, struct err *e);

#endif
