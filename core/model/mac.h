/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mac.h - the MAC address rules of a hot-added NIC: the text form, that a
 * NIC needs a unicast address, that no two NICs of one instance share one
 * (live in QEMU or recorded in the runtime file), and generated addresses
 * that avoid every address already taken.
 *
 * QEMU itself accepts two NICs with the same MAC; the guest then sees two
 * interfaces that fight over one address on the wire.  Addresses are
 * compared case-insensitively and kept in lower case.
 *
 * A struct mac_set is fixed-size and caller-owned; nothing is allocated.
 */
#ifndef SLOTSCOPE_MAC_H
#define SLOTSCOPE_MAC_H

#include <stddef.h>

#include "base/err.h"

#define MAC_SET_MAX 256

struct mac_set {
	unsigned char v[MAC_SET_MAX][6];
	char who[MAC_SET_MAX][64];	/* which NIC has it ("e1000.0") */
	size_t n;
};

/* "52:54:00:AB:cd:01" -> six bytes; -1 with a message when it is not six
 * hex bytes with ':' or not unicast (first byte odd). */
int mac_parse(const char *s, unsigned char out[6], struct err *e);
/* Lower-case text of a MAC into out[18]. */
void mac_format(const unsigned char m[6], char out[18]);

void mac_set_init(struct mac_set *s);
/* Add a MAC (text) with the name of its owner; a text that is not a MAC
 * is ignored (QEMU's own output is trusted for its form only), as is a
 * MAC beyond MAC_SET_MAX.  Returns 0 or -1 (not added). */
int mac_set_add(struct mac_set *s, const char *mac, const char *who);
/* The owner of mac in s, or NULL. */
const char *mac_set_find(const struct mac_set *s, const char *mac);

/* A QEMU-style locally administered address 52:54:00:xx:xx:xx from the
 * random bytes rnd (3 per try, tries of them), the first that is not in
 * s: 0, or -1 when every try collided. */
int mac_pick(const struct mac_set *s, const unsigned char *rnd,
    size_t tries, char out[18], struct err *e);

#endif
