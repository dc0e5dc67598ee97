#!/bin/sh
# P8: hypervisor instructions from a device interrupt to the guest's handler (bench/irqpath.py).
exec /usr/bin/python3 bench/irqpath.py
