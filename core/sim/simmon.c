/* simmon.c - HMP and QMP of the simulator; see simmon.h.
 *
 * Byte-level facts follow QEMU 7.2: readline_update() for the echo,
 * monitor_puts() for "\n" -> "\r\n", monitor_parse_command() and
 * get_str() for HMP argument parsing, QemuOpts for option strings, and
 * QDict's bucket order (tdb_hash % 512, newest first within a bucket)
 * for the key order of every JSON object QMP sends.
 */
#include "sim/simmon.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* ---- buffers ------------------------------------------------------- */

void
simmon_buf_init(struct simmon_buf *b)
{
	b->p = NULL;
	b->n = b->cap = 0;
}

void
simmon_buf_free(struct simmon_buf *b)
{
	free(b->p);
	simmon_buf_init(b);
}

int
simmon_buf_add(struct simmon_buf *b, const void *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *q;

		while (cap < b->n + n + 1)
			cap *= 2;
		q = realloc(b->p, cap);
		if (q == NULL)
			return -1;
		b->p = q;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

int
simmon_buf_str(struct simmon_buf *b, const char *s)
{
	return simmon_buf_add(b, s, strlen(s));
}

int
simmon_buf_printf(struct simmon_buf *b, const char *fmt, ...)
{
	char small[512], *big = NULL;
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof small)
		return simmon_buf_add(b, small, (size_t)n);
	va_start(ap, fmt);
	n = vasprintf(&big, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	r = simmon_buf_add(b, big, (size_t)n);
	free(big);
	return r;
}

void
simmon_buf_consume(struct simmon_buf *b, size_t n)
{
	if (n >= b->n) {
		b->n = 0;
	} else {
		memmove(b->p, b->p + n, b->n - n);
		b->n -= n;
	}
	if (b->p)
		b->p[b->n] = '\0';
}

/* monitor_puts(): every "\n" goes out as "\r\n". */
static void
add_crlf(struct simmon_buf *out, const char *p, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++)
		if (p[i] == '\n') {
			simmon_buf_add(out, p + start, i - start);
			simmon_buf_add(out, "\r\n", 2);
			start = i + 1;
		}
	simmon_buf_add(out, p + start, n - start);
}

/* ---- readline ------------------------------------------------------ */

void
simmon_rl_init(struct simmon_rl *rl)
{
	memset(rl, 0, sizeof *rl);
}

static void
rl_redraw(struct simmon_rl *rl, struct simmon_buf *out)
{
	size_t i;

	for (i = 0; i < rl->last_index; i++)
		simmon_buf_add(out, "\033[D", 3);
	simmon_buf_add(out, rl->buf, rl->size);
	simmon_buf_add(out, "\033[K", 3);
	rl->last_size = rl->size;
	rl->last_index = rl->size;
}

static void
rl_cursor(struct simmon_rl *rl, struct simmon_buf *out)
{
	while (rl->last_index < rl->index) {
		simmon_buf_add(out, "\033[C", 3);
		rl->last_index++;
	}
	while (rl->last_index > rl->index) {
		simmon_buf_add(out, "\033[D", 3);
		rl->last_index--;
	}
}

enum { RL_NORM, RL_ESC, RL_CSI, RL_SS3 };

int
simmon_rl_byte(struct simmon_rl *rl, unsigned char ch, struct simmon_buf *out)
{
	int changed = 0;

	if (rl->done) {
		/* the previous call returned a line: start a new one */
		rl->done = 0;
		rl->size = 0;
	}
	switch (rl->esc) {
	case RL_NORM:
		switch (ch) {
		case 1:
			rl->index = 0;
			break;
		case 5:
			rl->index = rl->size;
			break;
		case 4:
			if (rl->index < rl->size) {
				memmove(rl->buf + rl->index,
				    rl->buf + rl->index + 1,
				    rl->size - rl->index - 1);
				rl->size--;
				changed = 1;
			}
			break;
		case 10:
		case 13:
			rl->buf[rl->size] = '\0';
			simmon_buf_add(out, "\r\n", 2);
			rl->index = rl->last_index = rl->last_size = 0;
			/* rl->size stays until the next call */
			rl->done = 1;
			return 1;
		case 27:
			rl->esc = RL_ESC;
			break;
		case 8:
		case 127:
			if (rl->index > 0) {
				memmove(rl->buf + rl->index - 1,
				    rl->buf + rl->index, rl->size - rl->index);
				rl->index--;
				rl->size--;
				changed = 1;
			}
			break;
		case 155:
			rl->esc = RL_CSI;
			break;
		default:
			/* TAB completion, history and ^W are not simulated */
			if (ch >= 32 && ch != 155 && rl->size < SIMMON_RL_MAX) {
				memmove(rl->buf + rl->index + 1,
				    rl->buf + rl->index, rl->size - rl->index);
				rl->buf[rl->index] = (char)ch;
				rl->size++;
				rl->index++;
				changed = 1;
			}
			break;
		}
		break;
	case RL_ESC:
		rl->esc = ch == '[' ? RL_CSI : ch == 'O' ? RL_SS3 : RL_NORM;
		break;
	case RL_CSI:
		if (ch >= '0' && ch <= '9')
			break;
		if (ch == 'D' && rl->index > 0)
			rl->index--;
		else if (ch == 'C' && rl->index < rl->size)
			rl->index++;
		rl->esc = RL_NORM;
		break;
	case RL_SS3:
		if (ch == 'F')
			rl->index = rl->size;
		else if (ch == 'H')
			rl->index = 0;
		rl->esc = RL_NORM;
		break;
	}
	if (changed)
		rl_redraw(rl, out);
	rl_cursor(rl, out);
	return 0;
}

/* ---- HMP ----------------------------------------------------------- */

void
simmon_hmp_banner(struct simmon_buf *out)
{
	simmon_buf_printf(out, "QEMU %d.%d.%d monitor - type 'help' for more "
	    "information\r\n" SIMMON_PROMPT, SIMMON_VERSION_MAJOR,
	    SIMMON_VERSION_MINOR, SIMMON_VERSION_MICRO);
}

static void
info_pci(const struct simdev_machine *m, struct simmon_buf *o)
{
	size_t i;
	int r;

	for (i = 0; i < m->nfn; i++) {
		const struct simdev_fn *f = &m->fn[i];
		const struct simdev_kinfo *k = simdev_kind_info(f->kind);

		simmon_buf_printf(o, "  Bus %2d, device %3d, function %d:\n",
		    0, f->slot, f->func);
		simmon_buf_printf(o, "    %s: PCI device %04x:%04x\n", k->desc,
		    k->vendor, k->device);
		simmon_buf_printf(o, "      PCI subsystem %04x:%04x\n",
		    k->sub_vendor, k->sub_device);
		if (k->irq_pin)
			simmon_buf_printf(o, "      IRQ 0, pin %c\n",
			    'A' + k->irq_pin - 1);
		for (r = 0; r < k->nregions; r++) {
			const struct simdev_region *g = &k->region[r];
			uint64_t addr = UINT64_MAX, end = addr + g->size - 1;

			simmon_buf_printf(o, "      BAR%d: ", g->bar);
			if (g->io)
				simmon_buf_printf(o, "I/O at 0x%04llx "
				    "[0x%04llx].\n", (unsigned long long)addr,
				    (unsigned long long)end);
			else
				simmon_buf_printf(o, "%d bit%s memory at "
				    "0x%08llx [0x%08llx].\n", g->mem64 ? 64 :
				    32, g->prefetch ? " prefetchable" : "",
				    (unsigned long long)addr,
				    (unsigned long long)end);
		}
		simmon_buf_printf(o, "      id \"%s\"\n", f->id ? f->id : "");
	}
}

/* get_str(): a word, or a double-quoted string with \n \r \\ \' \". */
static int
get_str(char *buf, size_t size, const char **pp)
{
	const char *p = *pp;
	size_t q = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		goto fail;
	if (*p == '"') {
		p++;
		while (*p != '\0' && *p != '"') {
			int c = *p;

			if (c == '\\') {
				p++;
				c = *p++;
				if (c == 'n')
					c = '\n';
				else if (c == 'r')
					c = '\r';
				else if (c != '\\' && c != '\'' && c != '"')
					goto fail;
			} else
				p++;
			if (q < size - 1)
				buf[q++] = (char)c;
		}
		if (*p != '"')
			goto fail;
		p++;
	} else {
		while (*p != '\0' && !isspace((unsigned char)*p)) {
			if (q < size - 1)
				buf[q++] = *p;
			p++;
		}
	}
	buf[q] = '\0';
	*pp = p;
	return 0;
fail:
	buf[q] = '\0';
	*pp = p;
	return -1;
}

/* QemuOpts parsing of "a,b=c,,d,...": fills kv (pointing into store);
 * firstname names an implied first value.  Returns the count. */
#define OPTS_MAX 64
struct opts {
	struct simdev_kv kv[OPTS_MAX];
	size_t n;
	char store[2048];
	size_t used;
	const char *id;
};

static char *
ostore(struct opts *o, const char *p, size_t n)
{
	char *d;

	if (o->used + n + 1 > sizeof o->store)
		return NULL;
	d = o->store + o->used;
	memcpy(d, p, n);
	d[n] = '\0';
	o->used += n + 1;
	return d;
}

/* get_opt_value(): up to ',' with ",," meaning ',' */
static const char *
opt_value(struct opts *o, const char *p, char **val)
{
	char tmp[1024];
	size_t n = 0;

	for (;;) {
		if (*p == '\0')
			break;
		if (*p == ',') {
			if (p[1] != ',')
				break;
			p++;
		}
		if (n < sizeof tmp - 1)
			tmp[n++] = *p;
		p++;
	}
	*val = ostore(o, tmp, n);
	if (*p == ',')
		p++;
	return p;
}

static int
opts_parse(struct opts *o, const char *params, const char *firstname)
{
	const char *p = params;

	o->n = 0;
	o->used = 0;
	o->id = NULL;
	while (*p) {
		size_t len = strcspn(p, "=,");
		char *name, *val;

		if (p[len] != '=') {
			if (firstname) {
				name = ostore(o, firstname, strlen(firstname));
				p = opt_value(o, p, &val);
			} else {
				name = ostore(o, p, len);
				p += len;
				if (*p == ',')
					p++;
				if (name && strncmp(name, "no", 2) == 0) {
					memmove(name, name + 2,
					    strlen(name + 2) + 1);
					val = ostore(o, "off", 3);
				} else
					val = ostore(o, "on", 2);
			}
		} else {
			name = ostore(o, p, len);
			p = opt_value(o, p + len + 1, &val);
		}
		if (name == NULL || val == NULL || o->n >= OPTS_MAX)
			return -1;
		firstname = NULL;
		if (strcmp(name, "id") == 0) {
			o->id = val;
			continue;
		}
		o->kv[o->n].key = name;
		o->kv[o->n++].val = val;
	}
	return 0;
}

static const char *
opt_get(const struct opts *o, const char *key)
{
	size_t i;
	const char *v = NULL;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->kv[i].key, key) == 0)
			v = o->kv[i].val;
	return v;
}

struct hmp_cmd;
typedef void (*hmp_fn)(struct simmon_ctx *, const struct hmp_cmd *,
    char **args, struct simmon_buf *);

/* args: 's' string, '?' makes the previous optional, 'O' QemuOpts,
 * 'B' block device name. */
struct hmp_cmd {
	const char *name;
	const char *args;
	const char *optsname;	/* for 'O': implied key */
	hmp_fn fn;
	const char *help;	/* QEMU's help line: "NAME PARAMS -- TEXT" */
};

static void
herr(struct simmon_buf *o, const struct simdev_err *e)
{
	simmon_buf_printf(o, "Error: %s\n", e->desc);
}

static void
h_info_version(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	(void)c;
	(void)cmd;
	(void)a;
	simmon_buf_printf(o, "%d.%d.%d%s\n", SIMMON_VERSION_MAJOR,
	    SIMMON_VERSION_MINOR, SIMMON_VERSION_MICRO, SIMMON_PACKAGE);
}

static void
h_info_pci(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	(void)cmd;
	(void)a;
	info_pci(c->m, o);
}

static void
h_info_status(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	(void)cmd;
	(void)a;
	if (c->m->guest == SIMDEV_GUEST_NONE)
		simmon_buf_str(o, "VM status: paused (prelaunch)\n");
	else
		simmon_buf_str(o, "VM status: running\n");
}

static void
h_device_add(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	struct opts *op = (struct opts *)a[0];
	struct simdev_kv kv[OPTS_MAX + 1];
	struct simdev_err e;
	size_t n = 0, i;

	(void)cmd;
	if (op != NULL) {
		for (i = 0; i < op->n; i++)
			kv[n++] = op->kv[i];
		if (op->id) {
			kv[n].key = "id";
			kv[n++].val = op->id;
		}
	}
	if (simdev_device_add(c->m, kv, n, &e) < 0)
		herr(o, &e);
}

static void
h_device_del(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	struct simdev_err e;

	(void)cmd;
	if (simdev_device_del(c->m, a[0], c->now_ms, &e) < 0)
		herr(o, &e);
}

static void
h_netdev_add(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	struct opts *op = (struct opts *)a[0];
	struct simdev_err e;

	(void)cmd;
	if (op == NULL) {
		simmon_buf_str(o, "Error: Parameter 'id' is missing\n");
		return;
	}
	if (simdev_netdev_add(c->m, opt_get(op, "type"), op->id,
	    opt_get(op, "fd"), 1, &e) < 0)
		herr(o, &e);
}

static void
h_netdev_del(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	struct simdev_err e;

	(void)cmd;
	if (simdev_netdev_del(c->m, a[0], &e) < 0)
		herr(o, &e);
}

static void
h_drive_add(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	struct opts op;
	struct simdev_err e;
	const char *itf;

	(void)cmd;
	/* drive_add's errors are error_report()s: no "Error: " prefix */
	if (opts_parse(&op, a[1], NULL) < 0) {
		simmon_buf_str(o, "Invalid options\n");
		return;
	}
	if (op.id && !simdev_id_wellformed(op.id)) {
		simmon_buf_str(o, "Parameter 'id' expects an identifier\n");
		return;
	}
	itf = opt_get(&op, "if");
	if (itf == NULL || strcmp(itf, "none") != 0) {
		simmon_buf_str(o, "Can't hot-add drive to type 1\n");
		return;
	}
	if (simdev_drive_add(c->m, op.id, opt_get(&op, "file"), 1, &e) < 0) {
		simmon_buf_printf(o, "%s\n", e.desc);
		return;
	}
	simmon_buf_str(o, "OK\n");
}

static void
h_drive_del(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	struct simdev_err e;

	(void)cmd;
	if (simdev_drive_del(c->m, a[0], 1, &e) < 0)
		simmon_buf_printf(o, "%s\n", e.desc);
}

static void
h_getfd(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	struct simdev_err e;
	int fd = c->fd;

	(void)cmd;
	c->fd = -1;
	if (simdev_getfd(c->m, a[0], fd, &e) < 0)
		herr(o, &e);
}

static void
h_closefd(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	struct simdev_err e;

	(void)cmd;
	if (simdev_closefd(c->m, a[0], &e) < 0)
		herr(o, &e);
}

static void
qom_line(void *arg, const char *name, const char *type)
{
	struct simmon_buf *o = arg;

	if (type == NULL)
		simmon_buf_printf(o, "%s (string)\n", name);
	else
		simmon_buf_printf(o, "%s (child<%s>)\n", name, type);
}

static void
h_qom_list(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	struct simdev_err e;

	(void)cmd;
	if (a[0] == NULL) {
		simmon_buf_str(o, "/\n");
		return;
	}
	if (simdev_qom_list(c->m, a[0], qom_line, o, &e) < 0)
		herr(o, &e);
}

static void system_reset(struct simmon_ctx *c, int from_qmp);

static void
h_system_reset(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	(void)cmd;
	(void)a;
	(void)o;
	system_reset(c, 0);
}

static void
h_quit(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	(void)cmd;
	(void)a;
	(void)o;
	c->quit = 1;
}

static void h_info(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o);

static const struct hmp_cmd info_cmds[] = {
	{ "pci", "", NULL, h_info_pci, "info pci  -- show PCI info" },
	{ "status", "", NULL, h_info_status, "info status  -- show the "
	  "current VM status (running|paused)" },
	{ "version", "", NULL, h_info_version, "info version  -- show the "
	  "version of QEMU" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static void h_help(struct simmon_ctx *c, const struct hmp_cmd *cmd,
    char **a, struct simmon_buf *o);

/* The commands the simulator knows, sorted as QEMU's help lists them
 * (QEMU has many more: the others are "unknown command"). */
static const struct hmp_cmd hmp_cmds[] = {
	{ "?", "s?s?", NULL, h_help, NULL },
	{ "closefd", "s", NULL, h_closefd, "closefd closefd name -- close a "
	  "file descriptor previously passed via SCM rights" },
	{ "device_add", "O", "driver", h_device_add, "device_add driver"
	  "[,prop=value][,...] -- add device, like -device on the command "
	  "line" },
	{ "device_del", "s", NULL, h_device_del, "device_del device -- remove "
	  "device" },
	{ "drive_add", "ss", NULL, h_drive_add, "drive_add [-n] [[<domain>:]"
	  "<bus>:]<slot>\n[file=file][,if=type][,bus=n]\n[,unit=m]"
	  "[,media=d][,index=i]\n[,snapshot=on|off][,cache=on|off]\n"
	  "[,readonly=on|off][,copy-on-read=on|off] -- add drive to PCI "
	  "storage controller" },
	{ "drive_del", "B", NULL, h_drive_del, "drive_del device -- remove "
	  "host block device" },
	{ "getfd", "s", NULL, h_getfd, "getfd getfd name -- receive a file "
	  "descriptor via SCM rights and assign it a name" },
	{ "help", "s?s?", NULL, h_help, "help|? [cmd] -- show the help" },
	{ "info", "s?", NULL, h_info, NULL },
	{ "netdev_add", "O", "type", h_netdev_add, "netdev_add [user|tap|"
	  "socket|stream|dgram|vde|bridge|hubport|netmap|vhost-user],id=str"
	  "[,prop=value][,...] -- add host network device" },
	{ "netdev_del", "s", NULL, h_netdev_del, "netdev_del id -- remove "
	  "host network device" },
	{ "q", "", NULL, h_quit, NULL },
	{ "qom-list", "s?", NULL, h_qom_list, "qom-list path -- list QOM "
	  "properties" },
	{ "quit", "", NULL, h_quit, "quit|q  -- quit the emulator" },
	{ "system_reset", "", NULL, h_system_reset, "system_reset  -- reset "
	  "the system" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static void
h_help(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	const struct hmp_cmd *t = hmp_cmds, *s;

	(void)c;
	(void)cmd;
	if (a[0] == NULL) {
		for (s = hmp_cmds; s->name; s++)
			if (s->help)
				simmon_buf_printf(o, "%s\n", s->help);
		for (s = info_cmds; s->name; s++)
			simmon_buf_printf(o, "%s\n", s->help);
		return;
	}
	if (strcmp(a[0], "info") == 0 && a[1] == NULL)
		t = info_cmds;
	else if (strcmp(a[0], "info") == 0) {
		for (s = info_cmds; s->name; s++)
			if (strcmp(s->name, a[1]) == 0) {
				simmon_buf_printf(o, "%s\n", s->help);
				return;
			}
		simmon_buf_printf(o, "unknown command: 'info %s'\n", a[1]);
		return;
	} else {
		for (s = hmp_cmds; s->name; s++)
			if (strcmp(s->name, a[0]) == 0) {
				const char *h = s->help;

				if (s->fn == h_quit)
					h = "quit|q  -- quit the emulator";
				else if (s->fn == h_help)
					h = "help|? [cmd] -- show the help";
				simmon_buf_printf(o, "%s\n", h);
				return;
			}
		simmon_buf_printf(o, "unknown command: '%s'\n", a[0]);
		return;
	}
	for (s = t; s->name; s++)
		simmon_buf_printf(o, "%s\n", s->help);
}

static void
h_info(struct simmon_ctx *c, const struct hmp_cmd *cmd, char **a,
    struct simmon_buf *o)
{
	const struct hmp_cmd *s;

	(void)c;
	(void)cmd;
	(void)a;
	for (s = info_cmds; s->name; s++)
		simmon_buf_printf(o, "%s\n", s->help);
}

/* QemuOpts lists that keep their entries after a successful command
 * (HMP netdev_add): a second one with the same id fails while parsing,
 * so the monitor prints only the "Try" line. */
static int
opts_dup(const struct simmon_ctx *c, const struct hmp_cmd *cmd,
    const char *id)
{
	size_t i;

	if (strcmp(cmd->name, "netdev_add") != 0 || id == NULL)
		return 0;
	for (i = 0; i < c->m->nnet; i++)
		if (c->m->net[i].hmp_opts && strcmp(c->m->net[i].id, id) == 0)
			return 1;
	return 0;
}

static const struct hmp_cmd *
find_cmd(const struct hmp_cmd *t, const char *name, size_t len)
{
	for (; t->name; t++)
		if (strlen(t->name) == len && strncmp(t->name, name, len) == 0)
			return t;
	return NULL;
}

static void
hmp_run(struct simmon_ctx *c, const char *line, struct simmon_buf *o)
{
	const char *p = line, *name, *after;
	const struct hmp_cmd *cmd, *table = hmp_cmds;
	char bufs[4][1024];
	char *args[4] = { NULL, NULL, NULL, NULL };
	struct opts op;
	const char *t;
	int na = 0;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return;		/* an empty line prints nothing */
		name = p;
		while (*p != '\0' && *p != '/' && !isspace((unsigned char)*p))
			p++;
		cmd = find_cmd(table, name, (size_t)(p - name));
		if (cmd == NULL) {
			simmon_buf_printf(o, "unknown command: '%.*s'\n",
			    (int)(p - line), line);
			return;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (cmd->fn == h_info && *p != '\0') {
			table = info_cmds;
			continue;
		}
		break;
	}
	after = p;
	for (t = cmd->args; *t; t++) {
		if (*t == '?')
			continue;
		if (*t == 'O') {
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '\0')
				break;
			if (get_str(bufs[na], sizeof bufs[na], &p) < 0 ||
			    opts_parse(&op, bufs[na], cmd->optsname) < 0 ||
			    (op.id && !simdev_id_wellformed(op.id)) ||
			    opts_dup(c, cmd, op.id))
				goto fail;
			args[na++] = (char *)&op;
			continue;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (t[1] == '?' && *p == '\0') {
			args[na++] = NULL;
			continue;
		}
		if (get_str(bufs[na], sizeof bufs[na], &p) < 0) {
			simmon_buf_printf(o, "%s: %s expected\n", cmd->name,
			    *t == 'B' ? "block device name" : "string");
			goto fail;
		}
		args[na] = bufs[na];
		na++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0') {
		simmon_buf_printf(o, "%s: extraneous characters at the end of "
		    "line\n", cmd->name);
		goto fail;
	}
	cmd->fn(c, cmd, args, o);
	return;
fail:
	while (after > line && isspace((unsigned char)after[-1]))
		after--;
	simmon_buf_printf(o, "Try \"help %.*s\" for more information\n",
	    (int)(after - line), line);
}

void
simmon_hmp_execute(struct simmon_ctx *c, const char *line,
    struct simmon_buf *out)
{
	struct simmon_buf o;

	simmon_buf_init(&o);
	hmp_run(c, line, &o);
	add_crlf(out, o.p ? o.p : "", o.n);
	simmon_buf_free(&o);
}

/* ---- JSON in QEMU's key order ------------------------------------- */

static unsigned
bucket(const char *name)
{
	unsigned v = 0x238F13AFu * (unsigned)strlen(name), i;

	for (i = 0; name[i]; i++)
		v = v + ((unsigned)(unsigned char)name[i] << (i * 5 % 24));
	return (1103515243u * v + 12345u) % 512u;
}

/* QEMU's to_json() string: \uXXXX (upper case) for controls and all
 * non-ASCII; U+FFFD for bad UTF-8. */
static void
dump_str(struct simmon_buf *o, const char *s, size_t n)
{
	size_t i = 0;

	simmon_buf_add(o, "\"", 1);
	while (i < n) {
		unsigned char ch = (unsigned char)s[i];
		unsigned cp;
		int len, k;

		if (ch < 0x80) {
			cp = ch;
			len = 1;
		} else if ((ch & 0xe0) == 0xc0) {
			cp = ch & 0x1f;
			len = 2;
		} else if ((ch & 0xf0) == 0xe0) {
			cp = ch & 0x0f;
			len = 3;
		} else if ((ch & 0xf8) == 0xf0) {
			cp = ch & 0x07;
			len = 4;
		} else {
			cp = 0xfffd;
			len = 1;
		}
		for (k = 1; k < len; k++) {
			if (i + (size_t)k >= n ||
			    ((unsigned char)s[i + k] & 0xc0) != 0x80) {
				cp = 0xfffd;
				len = k;
				break;
			}
			cp = cp << 6 | ((unsigned char)s[i + k] & 0x3f);
		}
		i += (size_t)len;
		switch (cp) {
		case '"': simmon_buf_str(o, "\\\""); break;
		case '\\': simmon_buf_str(o, "\\\\"); break;
		case '\b': simmon_buf_str(o, "\\b"); break;
		case '\f': simmon_buf_str(o, "\\f"); break;
		case '\n': simmon_buf_str(o, "\\n"); break;
		case '\r': simmon_buf_str(o, "\\r"); break;
		case '\t': simmon_buf_str(o, "\\t"); break;
		default:
			if (cp > 0xffff)
				simmon_buf_printf(o, "\\u%04X\\u%04X",
				    0xd800 + ((cp - 0x10000) >> 10),
				    0xdc00 + ((cp - 0x10000) & 0x3ff));
			else if (cp < 0x20 || cp >= 0x7f)
				simmon_buf_printf(o, "\\u%04X", cp);
			else {
				char c1 = (char)cp;

				simmon_buf_add(o, &c1, 1);
			}
		}
	}
	simmon_buf_add(o, "\"", 1);
}

struct okey {
	const char *key;
	json_t *val;
	unsigned b;
	size_t ins;
};

static int
okey_cmp(const void *a, const void *b)
{
	const struct okey *x = a, *y = b;

	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	/* newest first within a bucket */
	return x->ins > y->ins ? -1 : x->ins < y->ins ? 1 : 0;
}

static void
dump(struct simmon_buf *o, json_t *j, int depth)
{
	size_t i;

	if (depth > 64) {
		simmon_buf_str(o, "null");
		return;
	}
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(j), k = 0;
		struct okey *keys;
		const char *key;
		json_t *v;

		if (n == 0) {
			simmon_buf_str(o, "{}");
			return;
		}
		keys = calloc(n, sizeof *keys);
		if (keys == NULL)
			return;
		json_object_foreach(j, key, v) {
			keys[k].key = key;
			keys[k].val = v;
			keys[k].b = bucket(key);
			keys[k].ins = k;
			k++;
		}
		qsort(keys, n, sizeof *keys, okey_cmp);
		simmon_buf_str(o, "{");
		for (i = 0; i < n; i++) {
			if (i)
				simmon_buf_str(o, ", ");
			dump_str(o, keys[i].key, strlen(keys[i].key));
			simmon_buf_str(o, ": ");
			dump(o, keys[i].val, depth + 1);
		}
		simmon_buf_str(o, "}");
		free(keys);
		return;
	}
	case JSON_ARRAY:
		if (json_array_size(j) == 0) {
			simmon_buf_str(o, "[]");
			return;
		}
		simmon_buf_str(o, "[");
		for (i = 0; i < json_array_size(j); i++) {
			if (i)
				simmon_buf_str(o, ", ");
			dump(o, json_array_get(j, i), depth + 1);
		}
		simmon_buf_str(o, "]");
		return;
	case JSON_STRING:
		dump_str(o, json_string_value(j), json_string_length(j));
		return;
	case JSON_INTEGER:
		simmon_buf_printf(o, "%lld", (long long)json_integer_value(j));
		return;
	case JSON_REAL:
		simmon_buf_printf(o, "%.17g", json_real_value(j));
		return;
	case JSON_TRUE:
		simmon_buf_str(o, "true");
		return;
	case JSON_FALSE:
		simmon_buf_str(o, "false");
		return;
	case JSON_NULL:
		simmon_buf_str(o, "null");
		return;
	}
}

/* One line: the value, then "\r\n". Steals j. */
static void
send_json(struct simmon_buf *o, json_t *j)
{
	dump(o, j, 0);
	simmon_buf_add(o, "\r\n", 2);
	json_decref(j);
}

/* ---- events -------------------------------------------------------- */

void
simmon_event(struct simmon_ctx *c, const char *name, const char *data)
{
	struct simmon_buf o;
	struct timeval tv;

	if (c->event == NULL)
		return;
	gettimeofday(&tv, NULL);
	simmon_buf_init(&o);
	/* bucket order: timestamp (26), event (361), data (505) */
	simmon_buf_printf(&o, "{\"timestamp\": {\"seconds\": %lld, "
	    "\"microseconds\": %lld}, \"event\": \"%s\"",
	    (long long)tv.tv_sec, (long long)tv.tv_usec, name);
	if (data)
		simmon_buf_printf(&o, ", \"data\": %s", data);
	simmon_buf_str(&o, "}\r\n");
	c->event(c->event_arg, o.p, o.n);
	simmon_buf_free(&o);
}

void
simmon_complete_unplugs(struct simmon_ctx *c, int all)
{
	struct simdev_gone gone[64];
	size_t n, i;

	do {
		n = simdev_complete(c->m, c->now_ms, all, gone, 64);
		for (i = 0; i < n && i < 64; i++) {
			struct simmon_buf d;
			json_t *path;

			simmon_buf_init(&d);
			if (gone[i].virtio) {
				char *bp;

				if (asprintf(&bp, "%s/virtio-backend",
				    gone[i].path) >= 0) {
					path = json_string(bp);
					free(bp);
					simmon_buf_str(&d, "{\"path\": ");
					dump(&d, path, 0);
					simmon_buf_str(&d, "}");
					json_decref(path);
					simmon_event(c, "DEVICE_DELETED", d.p);
					d.n = 0;
				}
			}
			/* bucket order: device (49), path (253) */
			simmon_buf_str(&d, "{");
			if (gone[i].id[0]) {
				simmon_buf_str(&d, "\"device\": ");
				dump_str(&d, gone[i].id, strlen(gone[i].id));
				simmon_buf_str(&d, ", ");
			}
			simmon_buf_str(&d, "\"path\": ");
			dump_str(&d, gone[i].path, strlen(gone[i].path));
			simmon_buf_str(&d, "}");
			simmon_event(c, "DEVICE_DELETED", d.p);
			simmon_buf_free(&d);
		}
	} while (n > 64);
}

/* RESET first; over QMP the deletions follow the reply (qmp_value),
 * over HMP they follow at once. */
static void
system_reset(struct simmon_ctx *c, int from_qmp)
{
	simmon_event(c, "RESET",
	    "{\"guest\": false, \"reason\": \"host-qmp-system-reset\"}");
	if (!from_qmp)
		simmon_complete_unplugs(c, 1);
}

/* ---- QMP ----------------------------------------------------------- */

void
simmon_qmp_init(struct simmon_qmp *q)
{
	memset(q, 0, sizeof *q);
	simmon_buf_init(&q->acc);
}

void
simmon_qmp_free(struct simmon_qmp *q)
{
	simmon_buf_free(&q->acc);
}

static json_t *
version_json(void)
{
	/* struct order: major, minor, micro; then package */
	return json_pack("{s:{s:i,s:i,s:i},s:s}", "qemu",
	    "major", SIMMON_VERSION_MAJOR, "minor", SIMMON_VERSION_MINOR,
	    "micro", SIMMON_VERSION_MICRO, "package", SIMMON_PACKAGE);
}

void
simmon_qmp_greeting(struct simmon_buf *out)
{
	send_json(out, json_pack("{s:{s:o,s:[s]}}", "QMP", "version",
	    version_json(), "capabilities", "oob"));
}

static json_t *
qerr(enum simdev_ecls cls, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static json_t *
qerr(enum simdev_ecls cls, const char *fmt, ...)
{
	static const char *const names[] = { "GenericError",
		"DeviceNotFound", "CommandNotFound" };
	char desc[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof desc, fmt, ap);
	va_end(ap);
	return json_pack("{s:{s:s,s:s}}", "error", "class", names[cls],
	    "desc", desc);
}

static json_t *
qerr_dev(const struct simdev_err *e)
{
	return qerr(e->cls, "%s", e->desc);
}

static json_t *
qok(json_t *ret)
{
	return json_pack("{s:o}", "return", ret ? ret : json_object());
}

static json_t *
query_pci(const struct simdev_machine *m)
{
	json_t *devs = json_array();
	size_t i;
	int r;

	for (i = 0; i < m->nfn; i++) {
		const struct simdev_fn *f = &m->fn[i];
		const struct simdev_kinfo *k = simdev_kind_info(f->kind);
		json_t *d = json_object(), *regs = json_array();

		/* PciDeviceInfo member order */
		json_object_set_new(d, "bus", json_integer(0));
		json_object_set_new(d, "slot", json_integer(f->slot));
		json_object_set_new(d, "function", json_integer(f->func));
		json_object_set_new(d, "class_info", json_pack("{s:i,s:s}",
		    "class", k->class_code, "desc", k->desc));
		json_object_set_new(d, "id", json_pack("{s:i,s:i,s:i,s:i}",
		    "device", k->device, "vendor", k->vendor, "subsystem",
		    k->sub_device, "subsystem-vendor", k->sub_vendor));
		if (k->irq_pin)
			json_object_set_new(d, "irq", json_integer(0));
		json_object_set_new(d, "irq_pin", json_integer(k->irq_pin));
		json_object_set_new(d, "qdev_id", json_string(f->id ? f->id :
		    ""));
		for (r = 0; r < k->nregions; r++) {
			const struct simdev_region *g = &k->region[r];
			json_t *x = json_object();

			json_object_set_new(x, "bar", json_integer(g->bar));
			json_object_set_new(x, "type", json_string(g->io ?
			    "io" : "memory"));
			json_object_set_new(x, "address", json_integer(-1));
			json_object_set_new(x, "size",
			    json_integer((json_int_t)g->size));
			if (!g->io) {
				json_object_set_new(x, "prefetch",
				    json_boolean(g->prefetch));
				json_object_set_new(x, "mem_type_64",
				    json_boolean(g->mem64));
			}
			json_array_append_new(regs, x);
		}
		json_object_set_new(d, "regions", regs);
		json_array_append_new(devs, d);
	}
	return json_pack("[{s:i,s:o}]", "bus", 0, "devices", devs);
}

static void
qom_json(void *arg, const char *name, const char *type)
{
	json_t *a = arg;
	char t[300];

	if (type == NULL)
		snprintf(t, sizeof t, "string");
	else
		snprintf(t, sizeof t, "child<%s>", type);
	json_array_append_new(a, json_pack("{s:s,s:s}", "name", name, "type",
	    t));
}

/* Check arguments against a spec "name:s,other:s?" (s string, i int,
 * b bool, ? optional).  Returns NULL when fine. */
static json_t *
check_args(json_t *args, const char *spec)
{
	char key[64];
	const char *p = spec, *k;
	json_t *v;

	while (*p) {
		size_t n = strcspn(p, ":");
		char type;
		int opt;

		snprintf(key, sizeof key, "%.*s", (int)n, p);
		type = p[n + 1];
		opt = p[n + 2] == '?';
		p += n + 2 + opt;
		if (*p == ',')
			p++;
		v = json_object_get(args, key);
		if (v == NULL) {
			if (!opt)
				return qerr(SIMDEV_GENERIC,
				    "Parameter '%s' is missing", key);
			continue;
		}
		if ((type == 's' && !json_is_string(v)) ||
		    (type == 'i' && !json_is_integer(v)) ||
		    (type == 'b' && !json_is_boolean(v)))
			return qerr(SIMDEV_GENERIC, "Invalid parameter type "
			    "for '%s', expected: %s", key, type == 's' ?
			    "string" : type == 'i' ? "integer" : "boolean");
	}
	json_object_foreach(args, k, v) {
		char pat[70];

		snprintf(pat, sizeof pat, "%s:", k);
		if (strncmp(spec, pat, strlen(pat)) != 0 &&
		    strstr(spec, pat) == NULL)
			return qerr(SIMDEV_GENERIC,
			    "Parameter '%s' is unexpected", k);
		/* "a:" must start a spec item, not end another name */
		if (strncmp(spec, pat, strlen(pat)) != 0) {
			const char *s = strstr(spec, pat);

			if (s[-1] != ',')
				return qerr(SIMDEV_GENERIC,
				    "Parameter '%s' is unexpected", k);
		}
	}
	return NULL;
}

/* QemuOpts strings of QMP values (qemu_opts_from_qdict). */
static const char *
opt_string(json_t *v, char *tmp, size_t size)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(tmp, size, "%lld", (long long)json_integer_value(v));
		return tmp;
	}
	if (json_is_true(v))
		return "on";
	if (json_is_false(v))
		return "off";
	return NULL;
}

static json_t *
q_device_add(struct simmon_ctx *c, json_t *args)
{
	struct simdev_kv kv[64];
	char tmp[64][32];
	size_t n = 0;
	const char *k, *id = NULL;
	json_t *v;
	struct simdev_err e;

	v = json_object_get(args, "id");
	if (json_is_string(v)) {
		id = json_string_value(v);
		if (!simdev_id_wellformed(id))
			return qerr(SIMDEV_GENERIC,
			    "Parameter 'id' expects an identifier");
	}
	json_object_foreach(args, k, v) {
		const char *s;

		if (n >= 64)
			break;
		if (strcmp(k, "id") == 0 && !json_is_string(v))
			continue;	/* not a string: an anonymous device */
		s = opt_string(v, tmp[n], sizeof tmp[n]);
		if (s == NULL)
			continue;
		kv[n].key = k;
		kv[n++].val = s;
	}
	if (simdev_device_add(c->m, kv, n, &e) < 0)
		return qerr_dev(&e);
	return qok(NULL);
}

static json_t *
q_netdev_add(struct simmon_ctx *c, json_t *args)
{
	struct simdev_err e;
	json_t *t = json_object_get(args, "type");
	json_t *id = json_object_get(args, "id");
	json_t *fd = json_object_get(args, "fd");

	if (id == NULL)
		return qerr(SIMDEV_GENERIC, "Parameter 'id' is missing");
	if (t == NULL)
		return qerr(SIMDEV_GENERIC, "Parameter 'type' is missing");
	if (!json_is_string(id) || !json_is_string(t))
		return qerr(SIMDEV_GENERIC, "Invalid parameter type for '%s', "
		    "expected: string", json_is_string(id) ? "type" : "id");
	if (simdev_netdev_add(c->m, json_string_value(t),
	    json_string_value(id), json_is_string(fd) ?
	    json_string_value(fd) : NULL, 0, &e) < 0)
		return qerr_dev(&e);
	return qok(NULL);
}

static json_t *
q_blockdev_add(struct simmon_ctx *c, json_t *args)
{
	struct simdev_err e;
	json_t *nn = json_object_get(args, "node-name");
	json_t *file = json_object_get(args, "file");
	const char *fname = NULL;

	if (json_object_get(args, "driver") == NULL)
		return qerr(SIMDEV_GENERIC, "Parameter 'driver' is missing");
	if (!json_is_string(nn))
		return qerr(SIMDEV_GENERIC, "A top-level block node must have "
		    "a node-name");
	if (json_is_object(file))
		fname = json_string_value(json_object_get(file, "filename"));
	else if (json_is_string(file))
		fname = json_string_value(file);
	if (json_is_object(file) && fname == NULL)
		return qerr(SIMDEV_GENERIC, "Parameter 'filename' is missing");
	if (simdev_drive_add(c->m, json_string_value(nn), fname, 0, &e) < 0)
		return qerr_dev(&e);
	return qok(NULL);
}

static json_t *
qmp_command(struct simmon_ctx *c, const char *cmd, json_t *args)
{
	struct simdev_err e;
	json_t *r;

	if (strcmp(cmd, "qmp_capabilities") == 0) {
		if ((r = check_args(args, "enable:a?")) != NULL)
			return r;
		return qerr(SIMDEV_COMMAND_NOT_FOUND, "Capabilities "
		    "negotiation is already complete, command ignored");
	}
	if (strcmp(cmd, "query-version") == 0) {
		if ((r = check_args(args, "")) != NULL)
			return r;
		return qok(version_json());
	}
	if (strcmp(cmd, "query-pci") == 0) {
		if ((r = check_args(args, "")) != NULL)
			return r;
		return qok(query_pci(c->m));
	}
	if (strcmp(cmd, "query-status") == 0) {
		int run = c->m->guest != SIMDEV_GUEST_NONE;

		if ((r = check_args(args, "")) != NULL)
			return r;
		/* struct order: running, singlestep, status */
		return qok(json_pack("{s:b,s:b,s:s}", "running", run,
		    "singlestep", 0, "status", run ? "running" :
		    "prelaunch"));
	}
	if (strcmp(cmd, "device_add") == 0)
		return q_device_add(c, args);
	if (strcmp(cmd, "device_del") == 0) {
		if ((r = check_args(args, "id:s")) != NULL)
			return r;
		if (simdev_device_del(c->m, json_string_value(
		    json_object_get(args, "id")), c->now_ms, &e) < 0)
			return qerr_dev(&e);
		return qok(NULL);
	}
	if (strcmp(cmd, "netdev_add") == 0)
		return q_netdev_add(c, args);
	if (strcmp(cmd, "netdev_del") == 0) {
		if ((r = check_args(args, "id:s")) != NULL)
			return r;
		if (simdev_netdev_del(c->m, json_string_value(
		    json_object_get(args, "id")), &e) < 0)
			return qerr_dev(&e);
		return qok(NULL);
	}
	if (strcmp(cmd, "blockdev-add") == 0)
		return q_blockdev_add(c, args);
	if (strcmp(cmd, "blockdev-del") == 0) {
		if ((r = check_args(args, "node-name:s")) != NULL)
			return r;
		if (simdev_drive_del(c->m, json_string_value(
		    json_object_get(args, "node-name")), 0, &e) < 0)
			return qerr_dev(&e);
		return qok(NULL);
	}
	if (strcmp(cmd, "getfd") == 0 || strcmp(cmd, "closefd") == 0) {
		const char *name;
		int fd = c->fd;

		if ((r = check_args(args, "fdname:s")) != NULL)
			return r;
		name = json_string_value(json_object_get(args, "fdname"));
		if (cmd[0] == 'c') {
			if (simdev_closefd(c->m, name, &e) < 0)
				return qerr_dev(&e);
			return qok(NULL);
		}
		c->fd = -1;
		if (simdev_getfd(c->m, name, fd, &e) < 0)
			return qerr_dev(&e);
		return qok(NULL);
	}
	if (strcmp(cmd, "human-monitor-command") == 0) {
		struct simmon_buf o;

		if ((r = check_args(args, "command-line:s,cpu-index:i?")) !=
		    NULL)
			return r;
		simmon_buf_init(&o);
		simmon_hmp_execute(c, json_string_value(json_object_get(args,
		    "command-line")), &o);
		r = qok(json_stringn(o.p ? o.p : "", o.n));
		simmon_buf_free(&o);
		return r;
	}
	if (strcmp(cmd, "qom-list") == 0) {
		json_t *a;

		if ((r = check_args(args, "path:s")) != NULL)
			return r;
		a = json_array();
		if (simdev_qom_list(c->m, json_string_value(json_object_get(
		    args, "path")), qom_json, a, &e) < 0) {
			json_decref(a);
			return qerr_dev(&e);
		}
		return qok(a);
	}
	if (strcmp(cmd, "system_reset") == 0) {
		if ((r = check_args(args, "")) != NULL)
			return r;
		system_reset(c, 1);
		return qok(NULL);
	}
	if (strcmp(cmd, "quit") == 0) {
		if ((r = check_args(args, "")) != NULL)
			return r;
		c->quit = 1;
		return qok(NULL);
	}
	return qerr(SIMDEV_COMMAND_NOT_FOUND, "The command %s has not been "
	    "found", cmd);
}

static void
qmp_value(struct simmon_qmp *q, struct simmon_ctx *c, const char *text,
    size_t len, struct simmon_buf *out)
{
	json_error_t jerr;
	json_t *req = json_loadb(text, len, JSON_DECODE_ANY, &jerr), *r = NULL;
	json_t *ex = NULL, *args = NULL, *id = NULL, *v;
	const char *k;
	int reset = 0;

	if (req == NULL) {
		char word[64];
		size_t n = 0;

		while (n < len && n < sizeof word - 1 &&
		    isalpha((unsigned char)text[n])) {
			word[n] = text[n];
			n++;
		}
		word[n] = '\0';
		if (n > 0)
			r = qerr(SIMDEV_GENERIC, "JSON parse error, invalid "
			    "keyword '%s'", word);
		else
			r = qerr(SIMDEV_GENERIC, "JSON parse error, %s",
			    jerr.text);
		send_json(out, r);
		return;
	}
	if (!json_is_object(req)) {
		send_json(out, qerr(SIMDEV_GENERIC,
		    "QMP input must be a JSON object"));
		json_decref(req);
		return;
	}
	json_object_foreach(req, k, v) {
		if (strcmp(k, "execute") == 0) {
			if (!json_is_string(v)) {
				r = qerr(SIMDEV_GENERIC, "QMP input member "
				    "'execute' must be a string");
				break;
			}
			ex = v;
		} else if (strcmp(k, "arguments") == 0) {
			if (!json_is_object(v)) {
				r = qerr(SIMDEV_GENERIC, "QMP input member "
				    "'arguments' must be an object");
				break;
			}
			args = v;
		} else if (strcmp(k, "id") == 0)
			id = v;
		else {
			r = qerr(SIMDEV_GENERIC, "QMP input member '%s' is "
			    "unexpected", k);
			break;
		}
	}
	if (r == NULL && ex == NULL)
		r = qerr(SIMDEV_GENERIC, "QMP input lacks member 'execute'");
	if (r == NULL) {
		const char *cmd = json_string_value(ex);
		json_t *empty = NULL;

		if (args == NULL)
			args = empty = json_object();
		if (!q->negotiated) {
			if (strcmp(cmd, "qmp_capabilities") == 0) {
				r = check_args(args, "enable:a?");
				if (r == NULL) {
					q->negotiated = 1;
					r = qok(NULL);
				}
			} else
				r = qerr(SIMDEV_COMMAND_NOT_FOUND, "Expecting "
				    "capabilities negotiation with "
				    "'qmp_capabilities'");
		} else {
			reset = strcmp(cmd, "system_reset") == 0;
			r = qmp_command(c, cmd, args);
		}
		json_decref(empty);
	}
	if (id != NULL)
		json_object_set(r, "id", id);
	send_json(out, r);
	json_decref(req);
	/* QEMU deletes the devices of a reset after replying */
	if (reset)
		simmon_complete_unplugs(c, 1);
}

int
simmon_qmp_input(struct simmon_qmp *q, struct simmon_ctx *c, const char *p,
    size_t n, struct simmon_buf *out)
{
	size_t i;
	int count = 0;

	for (i = 0; i < n; i++) {
		char ch = p[i];

		if (q->scalar) {
			/* a bare top-level token ends at a delimiter */
			if (isspace((unsigned char)ch) || ch == '{' ||
			    ch == '[') {
				qmp_value(q, c, q->acc.p, q->acc.n, out);
				count++;
				q->acc.n = 0;
				q->scalar = 0;
				if (isspace((unsigned char)ch))
					continue;
			} else {
				if (q->acc.n < 4096)	/* a bare token: bounded */
					simmon_buf_add(&q->acc, &ch, 1);
				continue;
			}
		}
		if (q->depth == 0) {
			if (isspace((unsigned char)ch))
				continue;
			if (ch != '{' && ch != '[') {
				q->scalar = 1;
				q->in_str = ch == '"';
				simmon_buf_add(&q->acc, &ch, 1);
				if (q->in_str) {
					/* a top-level string: read to its end
					 * (depth -1 marks it) */
					q->scalar = 0;
					q->depth = -1;
				}
				continue;
			}
		}
		if (q->acc.n > 1024 * 1024) {
			/* QEMU caps a value's size; drop it */
			q->acc.n = 0;
			q->depth = q->in_str = q->esc = 0;
			send_json(out, qerr(SIMDEV_GENERIC, "JSON parse error, "
			    "token too large"));
			continue;
		}
		simmon_buf_add(&q->acc, &ch, 1);
		if (q->in_str) {
			if (q->esc)
				q->esc = 0;
			else if (ch == '\\')
				q->esc = 1;
			else if (ch == '"') {
				q->in_str = 0;
				if (q->depth == -1) {
					qmp_value(q, c, q->acc.p, q->acc.n,
					    out);
					count++;
					q->acc.n = 0;
					q->depth = 0;
				}
			}
			continue;
		}
		if (ch == '"')
			q->in_str = 1;
		else if (ch == '{' || ch == '[')
			q->depth++;
		else if (ch == '}' || ch == ']') {
			if (--q->depth == 0) {
				qmp_value(q, c, q->acc.p, q->acc.n, out);
				count++;
				q->acc.n = 0;
			}
		}
	}
	return count;
}
