/* SPDX-License-Identifier: GPL-3.0-or-later */
/* audit.c - the audit log; see audit.h. */
#include "store/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>

int
audit_default_path(const char *runtime_dir, char *out, size_t outsz,
    struct err *e)
{
	int n = snprintf(out, outsz, "%s/audit.log", runtime_dir);

	if (n < 0 || (size_t)n >= outsz)
		return err_set(e, "audit log path too long; give --audit-log");
	return 0;
}

void
audit_user(char *out, size_t outsz)
{
	struct passwd pw, *res = NULL;
	char buf[1024];
	const char *sudo = getenv("SUDO_USER");
	uid_t uid = geteuid();

	if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res != NULL)
		snprintf(out, outsz, "%s", res->pw_name);
	else
		snprintf(out, outsz, "uid%lu", (unsigned long)uid);
	if (uid == 0 && sudo != NULL && sudo[0] != '\0') {
		size_t n = strlen(out);

		if (n < outsz)
			snprintf(out + n, outsz - n, "(sudo:%.64s)", sudo);
	}
}

/* Append v to out at *pos, quoted when needed; never past sz - 1. */
static void
put(char *out, size_t sz, size_t *pos, const char *v)
{
	int quote = v[0] == '\0';
	const unsigned char *p;
	char tmp[8];

	for (p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '\\' || *p == 0x7f)
			quote = 1;
	if (quote && *pos + 1 < sz)
		out[(*pos)++] = '"';
	for (p = (const unsigned char *)v; *p; p++) {
		const char *s = tmp;

		if (*p == '"' || *p == '\\')
			snprintf(tmp, sizeof tmp, "\\%c", *p);
		else if (*p == '\n')
			s = "\\n";
		else if (*p == '\t')
			s = "\\t";
		else if (*p < ' ' || *p == 0x7f)
			snprintf(tmp, sizeof tmp, "\\x%02x", *p);
		else {
			tmp[0] = (char)*p;
			tmp[1] = '\0';
		}
		if (*pos + strlen(s) + 1 >= sz)
			break;
		memcpy(out + *pos, s, strlen(s));
		*pos += strlen(s);
	}
	if (quote && *pos + 1 < sz)
		out[(*pos)++] = '"';
	out[*pos] = '\0';
}

static void
lit(char *out, size_t sz, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	if (*pos + n + 1 > sz)
		n = sz - *pos - 1;
	memcpy(out + *pos, s, n);
	*pos += n;
	out[*pos] = '\0';
}

size_t
audit_format(char *out, size_t outsz, time_t when, const char *user,
    const char *inst, const char *what, const char *result)
{
	char ubuf[128], ts[32];
	struct tm tm;
	size_t pos = 0, room;

	if (outsz < 64)
		return 0;
	if (when == 0)
		when = time(NULL);
	if (user == NULL) {
		audit_user(ubuf, sizeof ubuf);
		user = ubuf;
	}
	gmtime_r(&when, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	room = outsz - 5;	/* keep room for "...\n" */
	out[0] = '\0';
	lit(out, room, &pos, ts);
	lit(out, room, &pos, " user=");
	put(out, room, &pos, user);
	lit(out, room, &pos, " instance=");
	put(out, room, &pos, inst ? inst : "-");
	lit(out, room, &pos, " what=");
	put(out, room, &pos, what ? what : "");
	lit(out, room, &pos, " result=");
	put(out, room, &pos, result ? result : "");
	if (pos >= room - 1) {
		memcpy(out + pos, "...", 3);
		pos += 3;
	}
	out[pos++] = '\n';
	out[pos] = '\0';
	return pos;
}

/* Open the log for appending without ever blocking or following a link:
 * its directory is opened O_NOFOLLOW (a runtime dir that is a symlink is
 * refused, as the store refuses it), the file O_NOFOLLOW|O_NONBLOCK (a
 * FIFO without a reader fails at once, one with a reader is refused
 * below), and only a regular file is written to. */
static int
open_log(const char *path, struct err *e)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	struct stat st;
	int dfd, fd, en;

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else if ((size_t)(slash - path) < sizeof dir)
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	else
		return err_set(e, "audit log path is too long");
	if (slash != NULL && slash[1] == '\0')
		return err_set(e, "audit log %s is a directory: give a file",
		    path);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 && (errno == ELOOP || errno == ENOTDIR))
		return err_set(e, "the directory of audit log %s is a symlink "
		    "or no directory: refusing it", path);
	if (dfd < 0)
		return err_set(e, "cannot open audit log %s: %s", path,
		    strerror(errno));
	fd = openat(dfd, slash ? slash + 1 : path, O_WRONLY | O_APPEND |
	    O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	en = errno;
	close(dfd);
	if (fd < 0 && en == ELOOP)
		return err_set(e, "audit log %s is a symlink: refusing it", path);
	if (fd < 0 && (en == ENXIO || en == EISDIR))
		return err_set(e, "audit log %s is not a regular file (%s): "
		    "refusing it", path, en == ENXIO ? "a FIFO" : "a directory");
	if (fd < 0)
		return err_set(e, "cannot open audit log %s: %s", path,
		    strerror(en));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "audit log %s is not a regular file (a FIFO, "
		    "device or directory): refusing it", path);
	}
	return fd;
}

int
audit_append(const char *path, const char *user, const char *inst,
    const char *what, const char *result, struct err *e)
{
	char line[AUDIT_LINE_MAX];
	size_t n = audit_format(line, sizeof line, 0, user, inst, what, result);
	ssize_t w;
	int fd;

	if ((fd = open_log(path, e)) < 0)
		return -1;
	do
		w = write(fd, line, n);
	while (w < 0 && errno == EINTR);
	if (w != (ssize_t)n) {
		int en = w < 0 ? errno : ENOSPC;

		close(fd);
		return err_set(e, "cannot append to audit log %s: %s", path,
		    strerror(en));
	}
	if (close(fd) < 0)
		return err_set(e, "cannot append to audit log %s: %s", path,
		    strerror(errno));
	return 0;
}

int
audit_syslog(const char *sock, const char *user, const char *inst,
    const char *what, const char *result, struct err *e)
{
	char line[AUDIT_LINE_MAX], msg[AUDIT_LINE_MAX + 64], ts[32];
	struct sockaddr_un sa;
	time_t now = time(NULL);
	const char *body;
	struct tm tm;
	size_t n;
	ssize_t w;
	int fd, len;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(sock) >= sizeof sa.sun_path)
		return err_set(e, "syslog socket path %.64s... is too long",
		    sock);
	memcpy(sa.sun_path, sock, strlen(sock));
	n = audit_format(line, sizeof line, now, user, inst, what, result);
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	body = strchr(line, ' ');	/* past the line's own UTC time */
	body = body ? body + 1 : line;
	localtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%b %e %H:%M:%S", &tm);
	len = snprintf(msg, sizeof msg, "<%d>%s slotscope[%ld]: %s",
	    LOG_USER | LOG_NOTICE, ts, (long)getpid(), body);
	if (len < 0)
		return err_set(e, "cannot format the syslog message");
	if ((size_t)len >= sizeof msg)
		len = (int)sizeof msg - 1;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, "cannot reach syslog: %s", strerror(errno));
	do
		w = sendto(fd, msg, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL,
		    (struct sockaddr *)&sa, sizeof sa);
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		int en = errno;

		close(fd);
		return err_set(e, "cannot send to syslog at %s: %s", sock,
		    en == EAGAIN ? "its queue is full" : strerror(en));
	}
	close(fd);
	return 0;
}

int
audit_record(const char *path, const char *syslog_sock, const char *user,
    const char *inst, const char *what, const char *result, struct err *e)
{
	struct err e2;
	int rc = 0;

	if (path != NULL && path[0] != '\0' &&
	    audit_append(path, user, inst, what, result, &e2) < 0) {
		err_set(e, "audit log not written: %s", e2.msg);
		rc = -1;
	}
	if (syslog_sock != NULL && syslog_sock[0] != '\0' &&
	    audit_syslog(syslog_sock, user, inst, what, result, &e2) < 0 &&
	    rc == 0) {
		err_set(e, "audit line not sent to syslog: %s", e2.msg);
		rc = -1;
	}
	return rc;
}
