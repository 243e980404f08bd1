/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleetdue.h - the deadlines of a fleet's open monitor sessions, kept in
 * a min-heap so that a poll wakeup finds the nearest one, and those that
 * have come, at a cost that follows what is due, not the number of
 * sessions open.  Deadlines may differ from session to session and move
 * at every step (a reply in, the next one's deadline set).
 *
 * Each session is an id (its instance index) and a position slot the
 * caller owns (*pos: 0 when the session is not in the heap, else 1 + its
 * entry's index, kept by the heap as entries move; zero it before the
 * first use; a slot left set after its heap's fleetdue_free is known
 * stale).  The heap owns its array (fleetdue_free). */
#ifndef SLOTSCOPE_FLEETDUE_H
#define SLOTSCOPE_FLEETDUE_H

#include <stddef.h>
#include <stdint.h>

struct fleetdue_ent {
	int64_t due;		/* mono ms */
	size_t id;
	unsigned *pos;		/* the caller's slot for this id */
};

struct fleetdue {
	struct fleetdue_ent *h;
	size_t n, cap;
};

void fleetdue_init(struct fleetdue *d);
void fleetdue_free(struct fleetdue *d);

/* Give id the deadline due (mono ms), entering it when it is not in;
 * due < 0 takes it out (nothing when it is not in).  0, or -1 when
 * there was no memory to enter it (it is then not in, *pos 0). */
int fleetdue_set(struct fleetdue *d, size_t id, unsigned *pos, int64_t due);

/* The nearest deadline and its id (*id may be NULL), or -1 when the heap
 * is empty. */
int64_t fleetdue_first(const struct fleetdue *d, size_t *id);

/* The ids whose deadline is at or before now, in increasing id order,
 * into out (max at most; those left over stay due for the next look):
 * their number.  The cost follows the number that are due. */
size_t fleetdue_upto(const struct fleetdue *d, int64_t now, size_t *out,
    size_t max);

#endif
