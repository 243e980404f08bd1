/* main.c - slotscope's entry point: options, then batch mode or the TUI.
 * The only place in slotscope that may call exit(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "simcli.h"
#include "slotmap.h"

/* slotscope --probe ENDPOINT [--json]: exit 0 ok, 1 monitor failed or
 * busy, 2 bad usage. */
static int
run_probe(int argc, char **argv)
{
	const char *ep = NULL;
	int json = 0, i, rc;
	struct probe p;
	enum monerr_kind kind;
	struct err e;
	char *out;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--probe") == 0 && i + 1 < argc &&
		    ep == NULL)
			ep = argv[++i];
		else {
			fprintf(stderr, "slotscope: usage: slotscope --probe "
			    "ENDPOINT [--json]\n");
			return 2;
		}
	}
	if (ep == NULL) {
		fprintf(stderr, "slotscope: --probe needs a monitor endpoint "
		    "(unix:PATH, tcp:HOST:PORT or a socket path)\n");
		return 2;
	}
	rc = probe_run(ep, 0, &p, &kind, &e);
	if (rc < 0) {
		fprintf(stderr, "slotscope: %s\n", e.msg);
		probe_free(&p);
		return kind == MONERR_BAD_ARGUMENT ? 2 : 1;
	}
	out = json ? probe_json(&p) : probe_text(&p);
	probe_free(&p);
	if (out == NULL) {
		fprintf(stderr, "slotscope: out of memory\n");
		return 1;
	}
	fputs(out, stdout);
	free(out);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct slotmap m;
	char s[SLOTMAP_NSLOTS + 1];

	if (simcli_wants(argc, argv))
		return simcli_main(argc, argv);
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--probe") == 0)
			return run_probe(argc, argv);
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("slotscope 0.1.0\n");
		return 0;
	}
	slotmap_init_default(&m);
	slotmap_to_string(&m, s);
	printf("default reservation map: %s\n", s);
	return 0;
}
