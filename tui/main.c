/* main.c - slotscope's entry point: options, then batch mode or the TUI.
 * The only place in slotscope that may call exit(). */
#include <stdio.h>
#include <string.h>

#include "simcli.h"
#include "slotmap.h"

int
main(int argc, char **argv)
{
	struct slotmap m;
	char s[SLOTMAP_NSLOTS + 1];

	if (simcli_wants(argc, argv))
		return simcli_main(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("slotscope 0.1.0\n");
		return 0;
	}
	slotmap_init_default(&m);
	slotmap_to_string(&m, s);
	printf("default reservation map: %s\n", s);
	return 0;
}
