/* limits.h - every input ceiling in one place, each with its reason.
 * Handlers and services use these names; nothing reads unbounded input. */
#ifndef ONETRIP_BASE_LIMITS_H
#define ONETRIP_BASE_LIMITS_H

/* HTTP */
#define LIMIT_URI_BYTES 4096          /* longest sane URL incl. query: 414 above */
#define LIMIT_HEADER_BYTES 16384      /* all request headers together: 431 above */
#define LIMIT_HEADER_COUNT 64         /* number of request headers: 431 above */
#define LIMIT_QUERY_ARGS 32           /* query-string arguments: 400 above */
#define LIMIT_JSON_BODY ((size_t)1 << 20)  /* JSON bodies: 1 MiB, 413 above */
#define LIMIT_JSON_DEPTH 16           /* nesting of arrays/objects: 400 above */
#define LIMIT_JSON_FIELDS 256         /* members of one object or array: 400 above */
#define LIMIT_JSON_STRING 65536       /* one JSON string in bytes: 400 above */
#define LIMIT_UPLOAD_FILE ((size_t)20 << 20)   /* one uploaded material: 20 MiB */
#define LIMIT_UPLOAD_CASE ((size_t)100 << 20)  /* all materials of one case */
#define LIMIT_CONNECTIONS 4096        /* simultaneous connections */
#define LIMIT_CONN_TIMEOUT_S 30       /* idle keep-alive connection */

/* Pages of lists */
#define LIMIT_PAGE_DEFAULT 20
#define LIMIT_PAGE_MAX 200

/* Text fields */
#define LIMIT_NAME_CHARS 100          /* person, department, item names (code points) */
#define LIMIT_TEXT_CHARS 5000         /* free text: reasons, conditions */
#define LIMIT_PASSWORD_BYTES 128      /* Argon2id input; longer is refused */

#endif
