/* embedded.h - files compiled into the binary (scripts/embed.sh): numbered
 * migrations, holiday calendars and the demo dataset. */
#ifndef ONETRIP_BASE_EMBEDDED_H
#define ONETRIP_BASE_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *path;  /* as in the source tree: "src/store/migrations/001_x.sql" */
	const char *data;  /* NUL-terminated */
	size_t len;
};

/* Sorted by path; ends with a zeroed entry. */
extern const struct embedded_file embedded_files[];

/* The file with this exact path, or NULL. */
const struct embedded_file *embedded_find(const char *path);

#endif
