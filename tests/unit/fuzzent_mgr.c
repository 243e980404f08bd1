/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzzent_mgr.c - tests/fuzz/fuzz_mgr.c built into the Check runner under
 * the name fuzzent_mgr, so check_fuzzregress can feed it the saved crashing
 * inputs and the seed corpus (see fuzzent.h). */
#include "fuzzent.h"
#define LLVMFuzzerTestOneInput fuzzent_mgr
#include "../fuzz/fuzz_mgr.c"
