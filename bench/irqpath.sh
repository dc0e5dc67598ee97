#!/bin/sh
# P8: hypervisor instructions from a device interrupt to the guest's handler (bench/irqpath.py),
# on PowerPC and on x86.
/usr/bin/python3 bench/irqpath.py powerpc && exec /usr/bin/python3 bench/irqpath.py x86
