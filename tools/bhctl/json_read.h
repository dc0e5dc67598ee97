/* json_read.h - reading the hypervisor's JSON replies and events (docs/console.md): values
 * are found in place in a NUL-terminated JSON text; nothing is parsed from human text. */
#ifndef BHCTL_JSON_READ_H
#define BHCTL_JSON_READ_H

/* The value of field key of the object at obj ('{'), or NULL (no such field, not an object,
 * malformed). Only obj's own fields are searched, not nested objects'. */
const char *json_field(const char *obj, const char *key);

/* Past the value at v (and the white space before it); NULL if it is malformed. */
const char *json_skip(const char *v);

/* The integer at v; 0, or -1 if v is no integer. */
int json_int(const char *v, long *out);

/* The string at v, unescaped into a malloc'ed copy (*out); 0, or -1 if v is no string. */
int json_string(const char *v, char **out);

/* Field key of obj as an integer / a string (malloc'ed); 0, or -1. */
int json_get_int(const char *obj, const char *key, long *out);
int json_get_str(const char *obj, const char *key, char **out);

/* The elements of the array at arr ('['): json_elem(arr, NULL) is the first, json_elem(arr,
 * e) the one after e; NULL after the last. */
const char *json_elem(const char *arr, const char *e);

#endif
