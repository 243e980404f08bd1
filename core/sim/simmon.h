/* simmon.h - the simulator's two monitor protocols, without sockets:
 * HMP (QEMU's readline echo, command parsing, QEMU's reply texts) and
 * QMP (the JSON stream, capabilities negotiation, commands, events), both
 * byte for byte as QEMU 7.2 writes them.
 *
 * The server (sim.c) feeds client bytes in and sends what comes out.
 * Output goes to a caller-owned struct simmon_buf (simmon_buf_free()
 * frees it).  A struct simmon_ctx ties one connection to one machine.
 */
#ifndef SLOTSCOPE_SIMMON_H
#define SLOTSCOPE_SIMMON_H

#include <stddef.h>
#include <stdint.h>

#include "sim/simdev.h"

#define SIMMON_VERSION_MAJOR 7
#define SIMMON_VERSION_MINOR 2
#define SIMMON_VERSION_MICRO 22
#define SIMMON_PACKAGE "Debian 1:7.2+dfsg-7+deb12u18+b3"
#define SIMMON_PROMPT "(qemu) "

struct simmon_buf {
	char *p;
	size_t n, cap;
};

void simmon_buf_init(struct simmon_buf *b);
void simmon_buf_free(struct simmon_buf *b);
int simmon_buf_add(struct simmon_buf *b, const void *p, size_t n);
int simmon_buf_str(struct simmon_buf *b, const char *s);
int simmon_buf_printf(struct simmon_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Drop the first n bytes. */
void simmon_buf_consume(struct simmon_buf *b, size_t n);

/* What a command may do besides printing. */
struct simmon_ctx {
	struct simdev_machine *m;
	int64_t now_ms;			/* monotonic, for unplug deadlines */
	int fd;				/* fd received with the command, or -1;
					 * getfd takes it (sets -1) */
	int quit;			/* set by quit: the instance exits */
	/* An event for the QMP client (RESET, DEVICE_DELETED): the whole
	 * line, "\r\n" included.  May be NULL. */
	void (*event)(void *arg, const char *line, size_t len);
	void *event_arg;
};

/* ---- HMP ----------------------------------------------------------- */

#define SIMMON_RL_MAX 4095

/* QEMU's readline state for one connection. */
struct simmon_rl {
	char buf[SIMMON_RL_MAX + 1];
	size_t size, index, last_size, last_index;
	int esc;
	int done;
};

void simmon_rl_init(struct simmon_rl *rl);

/* Feed one byte: echo (cursor redraws) goes to out.  Returns 1 when the
 * byte ended a line; then rl->buf holds it (NUL-terminated) and "\r\n" is
 * already in out. */
int simmon_rl_byte(struct simmon_rl *rl, unsigned char ch,
    struct simmon_buf *out);

/* Run one command line; the reply text, with QEMU's "\r\n" line ends,
 * goes to out (no prompt). */
void simmon_hmp_execute(struct simmon_ctx *c, const char *line,
    struct simmon_buf *out);

/* The banner a new HMP client receives (prompt included). */
void simmon_hmp_banner(struct simmon_buf *out);

/* ---- QMP ----------------------------------------------------------- */

/* Splits QEMU's JSON stream into values. */
struct simmon_qmp {
	int negotiated;
	struct simmon_buf acc;		/* the value being read */
	int depth, in_str, esc;
	int scalar;			/* reading a top-level bare token */
};

void simmon_qmp_init(struct simmon_qmp *q);
void simmon_qmp_free(struct simmon_qmp *q);
void simmon_qmp_greeting(struct simmon_buf *out);

/* Feed client bytes; every complete value is executed and its reply line
 * appended to out.  Returns how many values were executed. */
int simmon_qmp_input(struct simmon_qmp *q, struct simmon_ctx *c,
    const char *p, size_t n, struct simmon_buf *out);

/* Run due guest unplug acks (or all pending ones, as system_reset does),
 * emitting DEVICE_DELETED events through c->event. */
void simmon_complete_unplugs(struct simmon_ctx *c, int all);

/* Emit one event with the current wall-clock timestamp; data is a JSON
 * object text already in QEMU's key order, or NULL. */
void simmon_event(struct simmon_ctx *c, const char *name, const char *data);

#endif
