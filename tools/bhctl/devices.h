/* devices.h - "bhctl devices HW CFG ...": the offline device descriptors (cmd_devices.c).
 * The online "bhctl devices [PARTITION]" (cmd_ops.c) hands over to it when given two tree
 * files. */
#ifndef BHCTL_DEVICES_H
#define BHCTL_DEVICES_H

#include <stdbool.h>
#include <stdio.h>

/* argv[0] = "devices": true when two of the arguments are .dtb/.dts files. */
bool bhctl_devices_is_offline(int argc, char **argv);
int bhctl_devices_offline(int argc, char **argv);
void bhctl_devices_offline_usage(FILE *out);

#endif
