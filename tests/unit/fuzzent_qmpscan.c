/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzzent_qmpscan.c - tests/fuzz/fuzz_qmpscan.c built into the Check
 * runner under the name fuzzent_qmpscan, so check_fuzzregress can feed it
 * the saved crashing inputs and the seed corpus (see fuzzent.h). */
#include "fuzzent.h"
#define LLVMFuzzerTestOneInput fuzzent_qmpscan
#include "../fuzz/fuzz_qmpscan.c"
