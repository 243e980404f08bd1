/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_fleetcpu.c - issue 18's "must show": slotscope's client CPU for
 * one refresh of all of a simulated fleet of QMP instances, against raw
 * C clients that send the same bytes over the same sockets, interleaved
 * in the same run, at 1000 and 5000 instances (sizes from the command
 * line).  Figures only.
 *
 * The simulator (core/sim, `pc` machines, QMP sockets only used) runs in
 * a child process, so RUSAGE_SELF is the client's CPU alone (user +
 * system).  Each side opens 64 sessions at once, a new one as one ends,
 * and per session sends, on a unix socket made SOCK_NONBLOCK at socket():
 *
 *   connect, read the greeting (the version comes from it),
 *   {"execute":"qmp_capabilities","id":"ss-SALT-1"}     then its reply,
 *   {"execute":"query-pci","id":"ss-SALT-2"}            then its reply,
 *   {"execute":"qom-list","arguments":{"path":
 *    "/machine/peripheral-anon"},"id":"ss-SALT-3"}      then its reply,
 *   close
 *
 * each command written (one send) after the reply to the one before, ids
 * of the same length (SALT: 8 hex digits).  How each waits:
 *
 *   slotscope  a struct fleet without runtime dir (the raw clients read
 *              no files either), fleet_refresh_start(all) +
 *              fleet_refresh_wait: core/mon's sessions in the fleet's
 *              epoll set (fleetpoll.c), epoll_wait on it with the nearest
 *              deadline, replies parsed and each instance's view made.
 *   raw        one poll() of the 64 sockets per wakeup (the pollfd array
 *              rebuilt each time, as a simple client does), reading to
 *              each newline without parsing (the last reply must hold
 *              "return").
 *   raw epoll  the same reads from one epoll set: a socket is added once
 *              when made and leaves with its close; epoll_wait of up to
 *              64 events per wakeup.  The stronger comparator: report
 *              against it where the two differ.
 *   slotscope, every reply read
 *              a second fleet of the same instances without the key of
 *              core/fleet/fleetseen.c: the first fleet's buses are
 *              unchanged from refresh to refresh, so its query-pci
 *              replies are taken as seen (the line "bus unchanged" says
 *              how many); this one parses every reply, as a refresh of
 *              all in which every bus changed would.
 *
 * Each refresh starts after a 0.1 s pause (not CPU) so the simulator has
 * seen the previous sessions close.  Each round runs the four in turn
 * (slotscope, raw, raw epoll, slotscope reading every reply; the next
 * round the other way round); each
 * figure is the median of the per-round ratios, with n and p10-p90 and
 * the mean CPU per instance of both sides.
 *
 * Beside them, at each size on a simulator of its own (py_size), the raw
 * python client (rawqmp.py): the same three commands and json.loads of
 * every reply, one instance after the other as a script would, its CPU
 * its own process_time.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "fleet/fleet.h"
#include "simfleet.h"

#define PAR 64

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One raw session. */
struct raw {
	int fd, step;		/* replies read: 0 greeting, 1 caps, 2 pci,
				 * 3 qom-list */
	size_t n;
	char buf[16384];
};

static const char caps[] =
    "{\"execute\":\"qmp_capabilities\",\"id\":\"ss-1b2c3d4e-1\"}\n";
static const char pci[] =
    "{\"execute\":\"query-pci\",\"id\":\"ss-1b2c3d4e-2\"}\n";
static const char qoml[] =
    "{\"execute\":\"qom-list\",\"arguments\":{\"path\":"
    "\"/machine/peripheral-anon\"},\"id\":\"ss-1b2c3d4e-3\"}\n";
/* What is sent after reply k (greeting, caps, pci). */
static const struct {
	const char *s;
	size_t n;
} sends[3] = {
	{ caps, sizeof caps - 1 },
	{ pci, sizeof pci - 1 },
	{ qoml, sizeof qoml - 1 },
};

static int
raw_open(const char *dir, int k)
{
	struct sockaddr_un a;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);

	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof a.sun_path, "%s/vm%d.qmp", dir, k + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		bench_fail("raw client", "connect");
	return fd;
}

/* Read what is there; 1 when the session ended, 0 to go on. */
static int
raw_read(struct raw *r)
{
	ssize_t got = recv(r->fd, r->buf + r->n, sizeof r->buf - r->n - 1, 0);
	char *nl;

	if (got < 0 && errno == EAGAIN)
		return 0;
	if (got <= 0)
		bench_fail("raw client", "the simulator closed the socket");
	r->n += (size_t)got;
	r->buf[r->n] = '\0';
	while ((nl = memchr(r->buf, '\n', r->n)) != NULL) {
		size_t len = (size_t)(nl - r->buf) + 1;
		int done = r->step == 3 && memmem(r->buf, len, "\"return\"", 8);

		if (r->step < 3 && send(r->fd, sends[r->step].s,
		    sends[r->step].n, MSG_NOSIGNAL) < 0)
			bench_fail("raw client", "send");
		if (r->step < 3)
			r->step++;
		memmove(r->buf, nl + 1, r->n - len);
		r->n -= len;
		if (done)
			return 1;
	}
	if (r->n >= sizeof r->buf - 1)
		bench_fail("raw client", "a reply beyond 16 KB");
	return 0;
}

static void
raw_refresh(const char *dir, int n)
{
	static struct raw s[PAR];
	struct pollfd pfd[PAR];
	int next = 0, open = 0, i;

	usleep(100000);		/* as ours_refresh: not counted anyway */
	while (next < n || open > 0) {
		while (open < PAR && next < n) {
			s[open].fd = raw_open(dir, next++);
			s[open].step = 0;
			s[open].n = 0;
			open++;
		}
		for (i = 0; i < open; i++) {
			pfd[i].fd = s[i].fd;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)open, 5000) <= 0)
			bench_fail("raw client", "no answer in 5 s");
		for (i = open - 1; i >= 0; i--)
			if (pfd[i].revents && raw_read(&s[i])) {
				close(s[i].fd);
				s[i] = s[--open];
			}
	}
}

/* The same sessions from one epoll set: a socket is added once, when
 * made, and leaves with its close. */
static void
raw_refresh_epoll(const char *dir, int n)
{
	static struct raw s[PAR];
	struct epoll_event ev[PAR];
	int ep = epoll_create1(EPOLL_CLOEXEC), next = 0, open = 0, free_[PAR];
	int nfree = PAR, i, got;

	if (ep < 0)
		bench_fail("raw epoll client", "epoll_create1");
	for (i = 0; i < PAR; i++)
		free_[i] = PAR - 1 - i;
	usleep(100000);		/* as ours_refresh: not counted anyway */
	while (next < n || open > 0) {
		while (nfree > 0 && next < n) {
			struct raw *r = &s[free_[--nfree]];
			struct epoll_event e = { .events = EPOLLIN };

			r->fd = raw_open(dir, next++);
			r->step = 0;
			r->n = 0;
			e.data.ptr = r;
			if (epoll_ctl(ep, EPOLL_CTL_ADD, r->fd, &e) < 0)
				bench_fail("raw epoll client", "epoll_ctl");
			open++;
		}
		if ((got = epoll_wait(ep, ev, PAR, 5000)) <= 0)
			bench_fail("raw epoll client", "no answer in 5 s");
		for (i = 0; i < got; i++) {
			struct raw *r = ev[i].data.ptr;

			if (raw_read(r)) {
				close(r->fd);
				free_[nfree++] = (int)(r - s);
				open--;
			}
		}
	}
	close(ep);
}

static void
ours_refresh(struct fleet *f)
{
	size_t i;

	usleep(100000);		/* the simulator sees the last closes */
	fleet_refresh_start(f, (size_t)-1, 0);
	fleet_refresh_wait(f, (size_t)-1);
	for (i = 0; i < f->n; i++)
		if (f->inst[i].conn != INST_OK)
			bench_fail("fleet cpu", f->inst[i].error);
}

/* One comparison's line: the median of the per-pair ratios r[0..pairs),
 * ours (a) and theirs (b) summed over the pairs; how ours read (how, ""
 * or " all read": every reply parsed). */
static void
report_as(int n, const char *how, const char *whom, double *r, int pairs,
    double a, double b)
{
	char detail[200], what[96];

	qsort(r, (size_t)pairs, sizeof *r, cmp_d);
	snprintf(detail, sizeof detail, "n=%d, p10-p90 %.2f-%.2f; mean CPU "
	    "per instance %.1f vs %.1f us", pairs, r[(pairs - 1) / 10],
	    r[(9 * (pairs - 1) + 9) / 10], a / pairs / n, b / pairs / n);
	snprintf(what, sizeof what, "fleet cpu %d qmp%s / %s", n, how, whom);
	bench_report(what, r[pairs / 2], "x", detail);
}

static void
report(int n, const char *whom, double *r, int pairs, double a, double b)
{
	report_as(n, "", whom, r, pairs, a, b);
}

/* f, a fleet of the n simulated instances vm1..vmN in dir (QMP); with
 * keyed 0, without fleetseen's key, so that it reads every reply (a
 * refresh of all in which every bus changed). */
static void
add_all(const char *dir, int n, struct fleet *f, int keyed)
{
	char ep[4200], name[32];
	struct err e;
	int i;

	fleet_init(f, NULL);
	if (!keyed)
		memset(f->pci_key, 0, sizeof f->pci_key);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "vm%d", i + 1);
		snprintf(ep, sizeof ep, "unix:%s/vm%d.qmp", dir, i + 1);
		if (fleet_add(f, name, ep, &e) < 0)
			bench_fail("fleet cpu", e.msg);
	}
}

/* n simulated instances vm1..vmN in dir (*pid serves them) and f, a
 * fleet of them (QMP), for one size's pairs. */
static void
sim_fleet(const char *dir, int n, struct fleet *f, pid_t *pid)
{
	struct err e;

	if (tu_simfleet_start(dir, n, SIM_SOCK_QMP, pid, &e) < 0)
		bench_fail("fleet cpu", e.msg);
	add_all(dir, n, f, 1);
}

static void
one_size(int n, int pairs)
{
	char *dir = bench_tmpdir(), seen[160], what[80];
	double r[16], re[16], rr[16], a = 0, b = 0, be = 0, ar = 0;
	struct fleet f, g;
	unsigned long seen0;
	pid_t pid;
	int k;

	sim_fleet(dir, n, &f, &pid);
	add_all(dir, n, &g, 0);	/* reads every reply */
	ours_refresh(&f);	/* warm all up */
	ours_refresh(&g);
	raw_refresh(dir, n);
	raw_refresh_epoll(dir, n);
	seen0 = f.pci_seen;
	for (k = 0; k < pairs; k++) {
		double t0, c[4];
		int j;

		/* ours, poll, epoll, ours reading every reply; then the
		 * other way round */
		for (j = 0; j < 4; j++) {
			int w = k % 2 ? 3 - j : j;

			t0 = bench_cpu_us();
			if (w == 0)
				ours_refresh(&f);
			else if (w == 1)
				raw_refresh(dir, n);
			else if (w == 2)
				raw_refresh_epoll(dir, n);
			else
				ours_refresh(&g);
			c[w] = bench_cpu_us() - t0;
		}
		r[k] = c[0] / (c[1] > 0 ? c[1] : 1);
		re[k] = c[0] / (c[2] > 0 ? c[2] : 1);
		rr[k] = c[3] / (c[2] > 0 ? c[2] : 1);
		a += c[0];
		b += c[1];
		be += c[2];
		ar += c[3];
	}
	snprintf(seen, sizeof seen, "%lu of %lu query-pci replies taken as "
	    "seen, %lu in the fleet reading every reply",
	    f.pci_seen - seen0, (unsigned long)n * (unsigned long)pairs,
	    g.pci_seen);
	snprintf(what, sizeof what, "fleet cpu %d qmp, replies taken as seen",
	    n);
	bench_report(what, 100.0 * (double)(f.pci_seen - seen0) /
	    ((double)n * pairs), "%", seen);
	report(n, "raw client", r, pairs, a, b);
	report(n, "raw epoll client", re, pairs, a, be);
	report_as(n, " all read", "raw epoll", rr, pairs, ar, be);
	fleet_free(&f);
	fleet_free(&g);
	tu_simfleet_stop(&pid);
}

/* Against the raw python client (rawqmp.py "fleet DIR N": each
 * instance's refresh in turn, as an operator's script looping over a
 * fleet would; one long-lived python3 started once, its CPU its own
 * process_time): its own simulator and pairs, order alternating, each
 * python refresh after the same 0.1 s pause as ours_refresh. */
static void
py_size(struct bench_py *py, int n, int pairs)
{
	char *dir = bench_tmpdir(), req[4300], why[600];
	double r[16], a = 0, b = 0, w, c, t0, ours = 0, theirs = 0;
	struct fleet f;
	pid_t pid;
	int k, j;

	sim_fleet(dir, n, &f, &pid);
	snprintf(req, sizeof req, "fleet %s %d", dir, n);
	ours_refresh(&f);	/* warm both up */
	if (bench_py_ask(py, req, &w, &c, why, sizeof why) < 0)
		bench_fail("fleet cpu / python", why);
	for (k = 0; k < pairs; k++) {
		for (j = 0; j < 2; j++) {
			if ((j == 0) == (k % 2 == 0)) {
				t0 = bench_cpu_us();
				ours_refresh(&f);
				ours = bench_cpu_us() - t0;
				continue;
			}
			usleep(100000);
			if (bench_py_ask(py, req, &w, &c, why, sizeof why) < 0)
				bench_fail("fleet cpu / python", why);
			theirs = c / 1e3;	/* ns to us */
		}
		r[k] = ours / (theirs > 0 ? theirs : 1);
		a += ours;
		b += theirs;
	}
	report(n, "raw python", r, pairs, a, b);
	fleet_free(&f);
	tu_simfleet_stop(&pid);
}

/* Sizes from the command line (each "N" or "N:PAIRS"), else 100, 1000,
 * 5000 and 10,000. */
int
main(int argc, char **argv)
{
	static const int def[][2] = { { 100, 15 }, { 1000, 9 }, { 5000, 5 },
		{ 10000, 5 } };
	struct bench_py py;
	int k, havepy = tu_have_program("python3");

	signal(SIGPIPE, SIG_IGN);
	if (!havepy)
		printf("bench fleet cpu / raw python: skipped (python3 not "
		    "found)\n");
	else if (bench_py_start(&py) < 0)
		bench_fail("fleet cpu", "the raw python client did not start");
	if (argc > 1) {
		for (k = 1; k < argc; k++) {
			int n = atoi(argv[k]), p = 5;
			const char *c = strchr(argv[k], ':');

			if (c != NULL)
				p = atoi(c + 1);
			if (n > 0 && p > 0 && p <= 16)
				one_size(n, p);
			if (n > 0 && p > 0 && p <= 16 && havepy)
				py_size(&py, n, p);
		}
	} else
		for (k = 0; k < (int)(sizeof def / sizeof *def); k++) {
			one_size(def[k][0], def[k][1]);
			if (havepy)
				py_size(&py, def[k][0], def[k][1]);
		}
	if (havepy)
		bench_py_stop(&py);
	return 0;
}
