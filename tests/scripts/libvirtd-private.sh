#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# libvirtd-private.sh DIR [CACHE] - run a real libvirtd (and its virtlogd) for one
# test, isolated from the host's: started by tests/lib/libvirt.c as PID 1
# of its own PID and mount namespaces (unshare --pid --mount --kill-child),
# so that when the test ends -- also when it fails or is killed -- the
# kernel kills libvirtd, virtlogd and every QEMU they started.
#
# Inside the mount namespace libvirt's fixed system paths are this test's
# own directories: DIR/etc on /etc/libvirt (our libvirtd.conf, virtlogd.conf
# and qemu.conf), DIR/run on /run, DIR/var on /var.  The host's /run/libvirt,
# /var/lib/libvirt and /etc/libvirt are never touched.  The client socket is
# DIR/run/libvirt/libvirt-sock: connect with
#   qemu:///system?socket=DIR/run/libvirt/libvirt-sock
# When the host has no libvirt-qemu user or group (Debian's
# libvirt-daemon-system makes them; libvirtd will not start without them),
# they are added to private copies of /etc/passwd and /etc/group mounted in
# the namespace only.
#
# CACHE (optional): a directory kept across the checks of one test run for
# /var/cache/libvirt, where libvirtd keeps what it probed of the QEMU
# binary, so that only the first libvirtd of a run probes (a second or so).
#
# qemu.conf: QEMU runs as root, no security driver, no cgroup controllers,
# no per-domain mount namespace (none of them exists or works in a test
# container).  Prints "ready" on stdout once the socket listens, then waits.
set -eu
d=$1
mkdir -p "$d/etc/qemu" "$d/run/libvirt" "$d/var/lib/libvirt/qemu" \
	"$d/var/cache/libvirt/qemu" "$d/var/log/libvirt/qemu" "$d/var/tmp" \
	"$d/var/lib/libvirt/images"
ln -sf /run "$d/var/run"
cat >"$d/etc/libvirtd.conf" <<CONF
unix_sock_dir = "/run/libvirt"
unix_sock_group = "root"
unix_sock_rw_perms = "0700"
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
CONF
cat >"$d/etc/virtlogd.conf" <<CONF
log_outputs = "3:file:/var/log/libvirt/virtlogd.log"
CONF
cat >"$d/etc/qemu.conf" <<CONF
user = "root"
group = "root"
dynamic_ownership = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
remember_owner = 0
CONF
if ! getent passwd libvirt-qemu >/dev/null ||
    ! getent group libvirt-qemu >/dev/null; then
	cp /etc/passwd "$d/passwd"
	cp /etc/group "$d/group"
	getent group libvirt-qemu >/dev/null ||
		echo "libvirt-qemu:x:64055:" >>"$d/group"
	getent passwd libvirt-qemu >/dev/null ||
		echo "libvirt-qemu:x:64055:64055::/var/lib/libvirt:/usr/sbin/nologin" \
		    >>"$d/passwd"
	mount --bind "$d/passwd" /etc/passwd
	mount --bind "$d/group" /etc/group
fi
mount --bind "$d/etc" /etc/libvirt
mount --bind "$d/run" /run
mount --bind "$d/var" /var
if [ -n "${2:-}" ]; then
	mkdir -p "$2/qemu"
	mount --bind "$2" /var/cache/libvirt
fi
virtlogd -d -f /etc/libvirt/virtlogd.conf
libvirtd -d -f /etc/libvirt/libvirtd.conf
i=0
while [ ! -S /run/libvirt/libvirt-sock ]; do
	i=$((i + 1))
	if [ $i -gt 200 ]; then
		echo "libvirtd did not listen within 10 s" >&2
		exit 1
	fi
	sleep 0.05
done
echo ready
# PID 1 of the namespace: its death (SIGKILL from --kill-child) ends all.
# It must reap what libvirt daemonizes (its QEMU probes, its domains): an
# unreaped zombie looks alive to libvirt, which then waits on it for
# seconds.  The shell's wait collects any child, adopted ones included.
sleep 1000000 &
while :; do
	wait
done
