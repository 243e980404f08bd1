/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hmp.h - QEMU's human monitor (HMP): framing of its byte stream and
 * parsers for the replies slotscope reads.
 *
 * The stream (QEMU 7.2, tests/fixtures/hmp):
 *   connect      "QEMU 7.2.22 monitor - type 'help' for more information\r\n(qemu) "
 *   each command the echo (readline redraws with ESC[K / ESC[D, never a
 *                "\r\n"), then "\r\n", the reply lines ending in "\r\n",
 *                then the prompt "(qemu) " (no newline after it).
 * There is no status code: errors are recognised by their text.
 * QEMU 10.0 (tests/fixtures/qemu10) frames, echoes and words errors the
 * same; only the version texts and info pci's BAR lines (which the parser
 * skips) differ.
 * All functions take (buf, len), never read past len, allocate nothing
 * except into a caller's struct pci_info (which the caller frees).
 */
#ifndef SLOTSCOPE_HMP_H
#define SLOTSCOPE_HMP_H

#include <stddef.h>

#include "base/err.h"
#include "qemu/monerr.h"
#include "model/pci.h"

#define HMP_PROMPT "(qemu) "
#define HMP_BANNER_MAX 4096	/* a longer banner is not QEMU's */

/* Is buf the start of an HMP banner?  1: a whole banner ending in the
 * prompt; 0: so far so good, read more; -1: not an HMP banner (e set). */
int hmp_banner_check(const char *buf, size_t len, struct err *e);

/* The bytes read since a command line was sent: 1 when they hold the whole
 * reply (echo line, reply lines, final prompt at the start of a line), else
 * 0.  Works on any prefix, so a caller may call it after every read. */
int hmp_reply_complete(const char *buf, size_t len);

/* Turn the raw bytes of one command's reply into its text: drop the echo
 * (everything up to the first "\r\n"), ESC[...] sequences, the final
 * prompt, and turn "\r\n" into "\n".  out must hold len + 1 bytes; it is
 * NUL-terminated.  out may be raw itself (the text is never longer than
 * what it is cleaned from, and is written behind the reading).  Returns
 * the text's length. */
size_t hmp_reply_clean(const char *raw, size_t len, char *out);

/* Does the text of a reply say QEMU refused the command?  MONERR_NONE when
 * it does not look like an error ("Error: ...", "unknown command: ...",
 * "... Try \"help X\" for more information", "X: extraneous characters").
 * Commands whose success prints nothing are judged by the caller: any text
 * at all is then an error (QEMU prints some errors without "Error: "). */
enum monerr_kind hmp_error_kind(const char *text, size_t len);

/* Parse the text of `info pci` (cleaned; "\n" or "\r\n" lines) into pi
 * (appended to; call pci_info_clear first to replace).  One entry per
 * function header line `Bus B, device S, function F:`; the next line gives
 * `CLASS: PCI device VVVV:DDDD`, and `id "..."` the qdev id.  Devices
 * behind bridges keep their own bus number; a bridge's `secondary bus N.`
 * line gives its kind and secondary bus (pci.h).  -1 with e set on a reply that
 * is no `info pci` listing. */
int hmp_parse_info_pci(const char *buf, size_t len, struct pci_info *pi,
    struct err *e);

/* Parse the text of `info version`: "7.2.22Debian 1:7.2+dfsg-7" or
 * "8.0.0 (Debian ...)". */
int hmp_parse_info_version(const char *buf, size_t len,
    struct qemu_version *v, struct err *e);

#endif
