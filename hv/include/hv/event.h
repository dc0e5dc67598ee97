/* event.h - partition events as JSON lines for script-mode consumers such as bhctl
 * (docs/console.md, "Events"): state changes, faults, guest exits. The human message of each
 * stays as it is; an event is written only while the console's last command line was a
 * script-mode one (Ctrl-B), so a person at a terminal never sees them. */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <stdbool.h>
#include <hv/partition.h>

/* The shell: the line being run is a script-mode line (on) or a typed one (off). */
void event_consumer(bool on);

/* {"event":"state",...}: p is now in state s; why: the reason of a stop (or NULL). */
void event_state(const struct partition *p, enum part_state s, const char *why);

/* {"event":"fault",...}: kind "isolation" (of vCPU vcpu) or "watchdog" (vcpu -1); msg says
 * what happened. */
void event_fault(const struct partition *p, const char *kind, int vcpu, const char *msg);

/* {"event":"exit",...}: the guest asked to stop with this code. */
void event_exit(const struct partition *p, int code);

#endif
