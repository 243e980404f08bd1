/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzzent_qmp.c - tests/fuzz/fuzz_qmp.c built into the Check runner under
 * the name fuzzent_qmp, so check_fuzzregress can feed it the saved crashing
 * inputs and the seed corpus (see fuzzent.h). */
#include "fuzzent.h"
#define LLVMFuzzerTestOneInput fuzzent_qmp
#include "../fuzz/fuzz_qmp.c"
