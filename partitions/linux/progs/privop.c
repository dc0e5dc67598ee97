// SPDX-License-Identifier: MIT
/*
 * privop: a Linux user process that executes a privileged instruction (`mfmsr`, or with the
 * argument "spr" an `mtspr` to the supervisor SPR SPRG4). On e500mc both are program
 * interrupts with ESR[PPR] in user mode; Linux turns that into SIGILL for this process only.
 * Run by the Linux tests (`run /bin/privop`): the reply must be "killed by signal 4", and the
 * partition must go on answering.
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	unsigned long v = 0;

	printf("privop: executing a privileged instruction\n");
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "spr"))
		__asm__ volatile("mtspr 276, %0" : : "r"(v)); /* SPRG4: supervisor only */
	else
		__asm__ volatile("mfmsr %0" : "=r"(v));
	printf("privop: still running (msr 0x%lx)\n", v);
	return 0;
}
