#!/bin/sh
# P9/P10: the test Linux in a partition against bare (bench/linux.py; needs `make linux`).
exec /usr/bin/python3 bench/linux.py "$@"
