/* err.h - error codes and the error value every fallible function fills.
 *
 * Convention: a function returns 0 on success or a negative code (-ERR_*) and,
 * on failure, fills a caller-owned struct err with a machine key and a message
 * fit to show a user (Simplified Chinese). Only the HTTP layer turns a code
 * into a status (http_status_for() in http/http.h). */
#ifndef ONETRIP_BASE_ERR_H
#define ONETRIP_BASE_ERR_H

enum err_code {
	ERR_NONE = 0,
	ERR_INVALID,          /* malformed request: 400 */
	ERR_UNPROCESSABLE,    /* well-formed but breaks a rule: 422 */
	ERR_UNAUTHENTICATED,  /* no or expired session: 401 */
	ERR_FORBIDDEN,        /* authenticated, not allowed: 403 */
	ERR_NOT_FOUND,        /* 404 */
	ERR_METHOD,           /* route exists, method does not: 405 */
	ERR_CONFLICT,         /* state conflict, duplicate, lost race: 409 */
	ERR_TOO_LARGE,        /* body or file over its limit: 413 */
	ERR_URI_TOO_LONG,     /* 414 */
	ERR_UNSUPPORTED_TYPE, /* wrong content type: 415 */
	ERR_LOCKED,           /* account locked, too many attempts: 429 */
	ERR_HEADERS_TOO_LARGE,/* 431 */
	ERR_BUSY,             /* database busy after retries, shutting down: 503 */
	ERR_INTERNAL,         /* a bug or I/O failure: 500 */
	ERR__COUNT
};

#define ERR_KEY_MAX 48
#define ERR_FIELD_MAX 64
#define ERR_MSG_MAX 320

struct err {
	enum err_code code;
	char key[ERR_KEY_MAX];     /* stable machine key, e.g. "invalid_id_number" */
	char field[ERR_FIELD_MAX]; /* offending input field, or "" */
	char msg[ERR_MSG_MAX];     /* user-facing message in Chinese */
};

/* Fills e (if not NULL) and returns -(int)code. key may be NULL: the code's
 * default key is used. */
int err_set(struct err *e, enum err_code code, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Like err_set() and also names the input field at fault. */
int err_field(struct err *e, enum err_code code, const char *field,
    const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Internal failure: logs detail (never shown to users) and sets a generic
 * Chinese message. Returns -ERR_INTERNAL. */
int err_internal(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);
/* The return value for an error already filled in e: -(int)e->code, or
 * -ERR_INTERNAL when e says nothing (a failed statement always fills it,
 * but a caller must never return 0 for a failure). */
int err_rc(const struct err *e);
/* Default key of a code: "invalid", "forbidden", ... */
const char *err_code_key(enum err_code code);

#endif
