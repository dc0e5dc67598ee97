/* watchdog.h - per-partition watchdogs (config watchdog-timeout): a guest that stops feeding
 * its watchdog is reset, stopped or reported, as its config says. Its state is the watchdog
 * unit's slot; each start disarms it (the unit's reset). */
#ifndef HV_WATCHDOG_H
#define HV_WATCHDOG_H

struct partition;

/* The guest fed its watchdog (Book E: wrote 1 to TSR[ENW] or TSR[WIS]); arms it the first
 * time after each start. Called from the guest's CPU. */
void watchdog_feed(struct partition *p);

/* Check every armed watchdog; called often (about every millisecond) by an idle CPU. */
void watchdog_poll(void);

#endif
