/* priv.h - commands implemented in the shell_*.c files, for the table in shell/cmds.c. */
#ifndef HV_SHELL_PRIV_H
#define HV_SHELL_PRIV_H

#include <stdint.h>

int cmd_list(int argc, char **argv);     /* shell/info.c */
int cmd_info(int argc, char **argv);     /* shell/info.c */
int cmd_stats(int argc, char **argv);    /* shell/stats.c */
int cmd_mem(int argc, char **argv);      /* shell/mem.c */
int cmd_log(int argc, char **argv);      /* shell/log.c */
int cmd_loglevel(int argc, char **argv); /* shell/log.c */
int cmd_gdb(int argc, char **argv);      /* gdb/shell.c */

/* Time counter ticks as milliseconds (shell/log.c). */
uint64_t shell_ms(uint64_t ticks);

#endif
