/* libFuzzer: upload type detection and naming (service/records/filetype.c).
 *
 * Input: a name line, then the file's bytes. The type comes from the bytes
 * only and is one of three; the kept name is valid UTF-8 without a path or
 * control characters and fits; the name a file is served under always ends
 * in its real type's extension. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "service/records/records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t nlen = nl != NULL ? (size_t)(nl - data) : size;
	const uint8_t *body = nl != NULL ? nl + 1 : data + size;
	size_t blen = size - (size_t)(body - data);
	char name[FILES_NAME_BYTES], served[FILES_NAME_BYTES];
	const char *ctype, *ext;
	char *in;
	struct err e;

	ctype = files_sniff(body, blen);
	if (ctype != NULL && strcmp(ctype, "application/pdf") != 0 &&
	    strcmp(ctype, "image/png") != 0 && strcmp(ctype, "image/jpeg") != 0)
		abort();
	/* Only the first bytes count: more bytes after them do not change
	 * the type. */
	if (blen > 8 && files_sniff(body, 8) != NULL &&
	    files_sniff(body, 8) != ctype)
		abort();

	in = malloc(nlen + 1);
	if (in == NULL)
		return 0;
	memcpy(in, data, nlen);
	in[nlen] = '\0';
	err_clear(&e);
	if (files_clean_name(in, name, &e) == 0) {
		size_t len = strlen(name);

		if (len >= FILES_NAME_BYTES || !utf8_valid(name, len) ||
		    strchr(name, '/') != NULL || strchr(name, '\\') != NULL)
			abort();
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
				abort();
		files_download_name(name, ctype != NULL ? ctype :
		    "image/jpeg", served);
		ext = files_type_ext(ctype != NULL ? ctype : "image/jpeg");
		if (len > 0) {
			size_t sl = strlen(served), el = strlen(ext);

			if (sl < el || sl >= FILES_NAME_BYTES ||
			    strcmp(served + sl - el, ext) != 0 ||
			    !utf8_valid(served, sl))
				abort();
		} else if (served[0] != '\0') {
			abort();
		}
	} else if (e.code != ERR_INVALID) {
		abort();
	}
	free(in);
	return 0;
}
