#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"

static const char *const code_keys[ERR__COUNT] = {
	[ERR_NONE] = "ok",
	[ERR_INVALID] = "invalid",
	[ERR_UNPROCESSABLE] = "unprocessable",
	[ERR_UNAUTHENTICATED] = "unauthenticated",
	[ERR_FORBIDDEN] = "forbidden",
	[ERR_NOT_FOUND] = "not_found",
	[ERR_METHOD] = "method_not_allowed",
	[ERR_CONFLICT] = "conflict",
	[ERR_TOO_LARGE] = "too_large",
	[ERR_URI_TOO_LONG] = "uri_too_long",
	[ERR_UNSUPPORTED_TYPE] = "unsupported_media_type",
	[ERR_LOCKED] = "locked",
	[ERR_HEADERS_TOO_LARGE] = "headers_too_large",
	[ERR_BUSY] = "busy",
	[ERR_INTERNAL] = "internal",
};

const char *
err_code_key(enum err_code code)
{
	if ((int)code < 0 || code >= ERR__COUNT)
		return "internal";
	return code_keys[code];
}

void
err_clear(struct err *e)
{
	if (e == NULL)
		return;
	e->code = ERR_NONE;
	e->key[0] = '\0';
	e->field[0] = '\0';
	e->msg[0] = '\0';
}

static void
err_vset(struct err *e, enum err_code code, const char *field,
    const char *key, const char *fmt, va_list ap)
{
	e->code = code;
	snprintf(e->key, sizeof(e->key), "%s", key ? key : err_code_key(code));
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int
err_set(struct err *e, enum err_code code, const char *key, const char *fmt,
    ...)
{
	va_list ap;

	if (e != NULL) {
		va_start(ap, fmt);
		err_vset(e, code, NULL, key, fmt, ap);
		va_end(ap);
	}
	return -(int)code;
}

int
err_field(struct err *e, enum err_code code, const char *field,
    const char *key, const char *fmt, ...)
{
	va_list ap;

	if (e != NULL) {
		va_start(ap, fmt);
		err_vset(e, code, field, key, fmt, ap);
		va_end(ap);
	}
	return -(int)code;
}

int
err_internal(struct err *e, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	log_error("internal error: %s", detail);
	return err_set(e, ERR_INTERNAL, NULL, "服务器内部错误，请稍后重试");
}

int
err_rc(const struct err *e)
{
	return e != NULL && e->code != ERR_NONE ? -(int)e->code :
	    -ERR_INTERNAL;
}
