"""QEMU system tests of the hypervisor (a package, so test module names cannot clash with
those in tests/)."""
