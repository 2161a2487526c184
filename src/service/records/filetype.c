/* filetype.c - what an uploaded file is and what it is called: the type
 * sniffed from its first bytes, the name kept from the client's, the name
 * it is served under. No I/O: fuzz/fuzz_upload.c drives these directly. */
#include "service/records/records.h"

#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

#define NAME_BYTES FILES_NAME_BYTES

const char *
files_sniff(const void *data, size_t len)
{
	static const unsigned char png[8] = { 0x89, 0x50, 0x4e, 0x47, 0x0d,
	    0x0a, 0x1a, 0x0a };
	const unsigned char *p = data;

	if (p == NULL)
		return NULL;
	if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
		return "application/pdf";
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (len >= sizeof(png) && memcmp(p, png, sizeof(png)) == 0)
		return "image/png";
	return NULL;
}

bool
files_sha256_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[64] == '\0';
}

/* The name to keep: the last path component of what the client sent,
 * valid UTF-8 without control characters, cut to fit at a character
 * boundary. "" when absent. */
int
files_clean_name(const char *in, char out[NAME_BYTES], struct err *e)
{
	const char *s = in, *p;
	size_t n, cut;

	out[0] = '\0';
	if (in == NULL)
		return 0;
	for (p = in; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			s = p + 1;
	n = strlen(s);
	if (!utf8_valid(s, n))
		return err_field(e, ERR_INVALID, "name", "invalid_utf8",
		    "文件名包含无效的字符编码");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return err_field(e, ERR_INVALID, "name", NULL,
			    "文件名包含控制字符");
	cut = n < NAME_BYTES - 1 ? n : NAME_BYTES - 1;
	while (cut > 0 && cut < n && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	memcpy(out, s, cut);
	out[cut] = '\0';
	return 0;
}

const char *
files_type_ext(const char *ctype)
{
	if (ctype != NULL && strcmp(ctype, "application/pdf") == 0)
		return ".pdf";
	if (ctype != NULL && strcmp(ctype, "image/png") == 0)
		return ".png";
	if (ctype != NULL && strcmp(ctype, "image/jpeg") == 0)
		return ".jpg";
	return ".bin";
}

void
files_download_name(const char *stored, const char *ctype,
    char out[FILES_NAME_BYTES])
{
	const char *ext = files_type_ext(ctype);
	char *dot;

	out[0] = '\0';
	if (stored == NULL || stored[0] == '\0')
		return;
	snprintf(out, FILES_NAME_BYTES, "%s", stored);
	dot = strrchr(out, '.');
	if (dot != NULL && dot != out)
		*dot = '\0';
	if (strlen(out) + strlen(ext) >= FILES_NAME_BYTES) {
		/* Cut at a character boundary to make room. */
		size_t cut = FILES_NAME_BYTES - 1 - strlen(ext);

		while (cut > 0 && ((unsigned char)out[cut] & 0xc0) == 0x80)
			cut--;
		out[cut] = '\0';
	}
	strcat(out, ext);
}
