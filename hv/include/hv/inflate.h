/* inflate.h - gzip decompression of an untrusted stream into a bounded buffer. */
#ifndef HV_INFLATE_H
#define HV_INFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decompress the first gzip member of in[0..in_len) into out[0..out_max); its CRC-32 and
 * length are checked. 0 and *out_len, or -HV_EINVAL and *why (for the console). */
int inflate_gzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_max, size_t *out_len,
		 const char **why);

#endif
