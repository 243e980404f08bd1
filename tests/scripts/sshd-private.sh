#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# sshd-private.sh CONFIG [LIBVIRT_RUN] - run a real sshd for one test "host", started by
# tests/lib/sshd.c as PID 1 of its own PID and mount namespaces (unshare
# --pid --mount-proc --fork --kill-child): when the test ends -- also when
# it fails or is killed -- the kernel kills sshd and every session it
# started (a session's processes call setsid, so a process group would
# not reach them).
#
# sshd, run as root, insists on its privilege separation directory
# /run/sshd (root's, not writable by others), which only Debian's
# ssh.service creates.  Rather than make it on the host, the namespace
# gets a private, empty tmpfs on /run holding it: sessions see that /run.
# Everything else (CONFIG, keys, log) is in the test's own directory.
# LIBVIRT_RUN (optional): a harness libvirtd's run/libvirt (virtd.h), bound
# on this host's /run/libvirt, where libvirt's remote side (virt-ssh-helper
# for qemu+ssh://) looks for the daemon's socket: that libvirtd is then
# this host's own.
# sshd stays in the foreground (-D) as PID 1, which reaps every orphan,
# and logs to stderr (-e), which the harness keeps in the test's dir.
set -eu
mount -t tmpfs -o mode=0755 slotscope-sshd /run
mkdir -m 0755 /run/sshd
if [ -n "${2:-}" ]; then
	mkdir -m 0755 /run/libvirt
	mount --bind "$2" /run/libvirt
fi
exec /usr/sbin/sshd -D -e -f "$1"
