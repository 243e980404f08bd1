/* simcli.h - the simulator's command-line modes: `--simulate DIR`,
 * `--demo` and `--scenario list`.  The serving logic is in core (sim.h,
 * simscen.h); this file only reads options and reports.
 */
#ifndef SLOTSCOPE_SIMCLI_H
#define SLOTSCOPE_SIMCLI_H

/* 1 when argv asks for one of these modes (--simulate, --demo, or
 * --scenario list). */
int simcli_wants(int argc, char **argv);

/* Run the mode; returns the process exit status. */
int simcli_main(int argc, char **argv);

#endif
