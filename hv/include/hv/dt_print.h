/* dt_print.h - device tree pretty-printer for the shell. */
#ifndef HV_DT_PRINT_H
#define HV_DT_PRINT_H

/* Print fdt in DTS-like form; negative libfdt error if it is not a valid tree. */
int dt_print(const void *fdt);

#endif
