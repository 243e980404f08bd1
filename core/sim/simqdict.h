/* SPDX-License-Identifier: GPL-3.0-or-later */
/* simqdict.h - the order in which QEMU 7.2 walks a QDict.
 *
 * A QDict is a hash table of 512 buckets (tdb_hash of the key % 512);
 * walking it visits the buckets in order and, within one bucket, the
 * newest key first.  That order decides the key order of every JSON
 * object QMP writes (simjson.c) and which of two bad device_add
 * properties is reported (simdevadd.c).
 */
#ifndef SLOTSCOPE_SIMQDICT_H
#define SLOTSCOPE_SIMQDICT_H

/* The bucket of a key, 0..511. */
unsigned simqdict_bucket(const char *key);

#endif
