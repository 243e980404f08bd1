/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hostnet.c - taps and bridges on the host; see hostnet.h. */
#include "fleet/hostnet.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define SYSNET "/sys/class/net"

int
hostnet_tap_exists(const char *name, struct err *e)
{
	char p[128], buf[32];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(p, sizeof p, SYSNET "/%s", name);
	if (stat(p, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, "%s: %s", p, strerror(errno));
	}
	snprintf(p, sizeof p, SYSNET "/%s/tun_flags", name);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(e, "interface %s exists but is not a tap device",
		    name);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return err_set(e, "cannot read %s", p);
	buf[n] = '\0';
	if (!(strtoul(buf, NULL, 0) & IFF_TAP))
		return err_set(e, "interface %s is a tun device, not a tap",
		    name);
	return 1;
}

int
hostnet_bridge_check(const char *br, struct err *e)
{
	char p[128];
	struct stat st;

	snprintf(p, sizeof p, SYSNET "/%s", br);
	if (stat(p, &st) < 0)
		return err_set(e, "bridge %s does not exist", br);
	snprintf(p, sizeof p, SYSNET "/%s/bridge", br);
	if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
		return err_set(e, "interface %s is not a Linux bridge", br);
	return 0;
}

int
hostnet_master(const char *name, char *out, size_t outsz)
{
	char p[128], link[256];
	const char *base;
	ssize_t n;

	out[0] = '\0';
	snprintf(p, sizeof p, SYSNET "/%s/master", name);
	if ((n = readlink(p, link, sizeof link - 1)) < 0)
		return 0;
	link[n] = '\0';
	base = strrchr(link, '/');
	snprintf(out, outsz, "%s", base ? base + 1 : link);
	return 0;
}

int
hostnet_open_tap(const char *name, int queues, int create, int *fds,
    struct err *e)
{
	struct ifreq ifr;
	int i, k;

	if (!create) {
		int r = hostnet_tap_exists(name, e);

		if (r < 0)
			return -1;
		if (r == 0)
			return err_set(e, "tap %s does not exist: create it "
			    "(ip tuntap add dev %s mode tap) or give "
			    "create=on", name, name);
	}
	for (i = 0; i < queues; i++) {
		if ((fds[i] = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0) {
			err_set(e, "cannot open /dev/net/tun: %s",
			    strerror(errno));
			goto fail;
		}
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR |
		    (queues > 1 ? IFF_MULTI_QUEUE : 0);
		if (ioctl(fds[i], TUNSETIFF, &ifr) < 0) {
			err_set(e, "cannot open tap %s%s: %s", name,
			    queues > 1 ? " with several queues (a tap made "
			    "without multi_queue cannot have them)" : "",
			    strerror(errno));
			close(fds[i]);
			goto fail;
		}
	}
	return 0;
fail:
	for (k = 0; k < i; k++)
		close(fds[k]);
	return -1;
}

static int
bridge_ioctl(unsigned long req, const char *tap, const char *br,
    struct err *e)
{
	struct ifreq ifr;
	int s, idx = (int)if_nametoindex(tap);

	if (idx == 0)
		return err_set(e, "tap %s: %s", tap, strerror(errno));
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return err_set(e, "socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", br);
	ifr.ifr_ifindex = idx;
	if (ioctl(s, req, &ifr) < 0) {
		int er = errno;

		close(s);
		return err_set(e, "cannot %s tap %s %s bridge %s: %s",
		    req == SIOCBRADDIF ? "put" : "take", tap,
		    req == SIOCBRADDIF ? "on" : "off", br, strerror(er));
	}
	close(s);
	return 0;
}

static int
link_up(const char *name, struct err *e)
{
	struct ifreq ifr;
	int s;

	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return err_set(e, "socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) < 0)) {
		int er = errno;

		close(s);
		return err_set(e, "cannot bring %s up: %s", name,
		    strerror(er));
	}
	close(s);
	return 0;
}

int
hostnet_attach(const char *tap, const char *br, struct err *e)
{
	char m[IFNAMSIZ];

	if (hostnet_bridge_check(br, e) < 0)
		return -1;
	hostnet_master(tap, m, sizeof m);
	if (m[0] != '\0' && strcmp(m, br) != 0)
		return err_set(e, "tap %s is already on bridge %s", tap, m);
	if (m[0] == '\0' && bridge_ioctl(SIOCBRADDIF, tap, br, e) < 0)
		return -1;
	return link_up(tap, e);
}

int
hostnet_detach(const char *tap, const char *br, struct err *e)
{
	char m[IFNAMSIZ];

	hostnet_master(tap, m, sizeof m);
	if (strcmp(m, br) != 0)
		return 0;
	return bridge_ioctl(SIOCBRDELIF, tap, br, e);
}

int
hostnet_vhost_check(struct err *e)
{
	int fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return err_set(e, "vhost=on needs /dev/vhost-net (%s): load "
		    "the vhost_net module or leave vhost off",
		    strerror(errno));
	close(fd);
	return 0;
}
