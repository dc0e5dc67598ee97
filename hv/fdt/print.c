/* print.c - print a flattened device tree in DTS-like form on the console (shell commands
 * hdt, cdt, gdt). Strings print as strings, everything else as 32-bit cells or bytes. */
#include <ctype.h>
#include <libfdt.h>
#include <hv/console.h>
#include <hv/dt_print.h>
#include <hv/err.h>

#define MAX_CELLS_SHOWN 16

static int is_string_list(const char *v, int len)
{
	if (len < 1 || v[len - 1])
		return 0;
	for (int i = 0; i < len; i++)
		if (v[i] && !isprint((unsigned char)v[i]))
			return 0;
	return v[0] != 0;
}

static void print_value(const char *v, int len)
{
	if (!len) {
		hv_printf(";\n");
	} else if (is_string_list(v, len)) {
		hv_printf(" = \"");
		for (int i = 0; i < len - 1; i++)
			hv_printf(v[i] ? "%c" : "\", \"", v[i]);
		hv_printf("\";\n");
	} else if (len % 4 == 0) {
		hv_printf(" = <");
		for (int i = 0; i < len / 4 && i < MAX_CELLS_SHOWN; i++)
			hv_printf("%s0x%x", i ? " " : "",
				  (unsigned)fdt32_ld((const fdt32_t *)v + i));
		hv_printf("%s>;\n", len / 4 > MAX_CELLS_SHOWN ? " ..." : "");
	} else {
		hv_printf(" = [");
		for (int i = 0; i < len && i < 4 * MAX_CELLS_SHOWN; i++)
			hv_printf("%s%02x", i ? " " : "", (unsigned char)v[i]);
		hv_printf("];\n");
	}
}

static void print_node(const void *fdt, int node, int depth)
{
	int prop, child;
	const char *name = fdt_get_name(fdt, node, NULL);

	hv_printf("%*s%s {\n", depth * 2, "", depth ? name : "/");
	fdt_for_each_property_offset(prop, fdt, node)
	{
		const char *pname;
		int len;
		const char *v = fdt_getprop_by_offset(fdt, prop, &pname, &len);

		hv_printf("%*s%s", depth * 2 + 2, "", pname);
		print_value(v, len);
	}
	fdt_for_each_subnode(child, fdt, node) print_node(fdt, child, depth + 1);
	hv_printf("%*s};\n", depth * 2, "");
}

int dt_print(const void *fdt)
{
	int err = hv_err_fdt(fdt_check_header(fdt));

	if (err) {
		hv_printf("not a device tree: %s\n", hv_strerror(err));
		return err;
	}
	print_node(fdt, 0, 0);
	return 0;
}
