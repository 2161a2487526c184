/* documents.c - case documents and their public verification.
 *
 *   GET  /api/cases/:id/documents -> [{id, kind, kind_label, doc_no, status,
 *        verify_code, doc_date, created_at, ready_at}]  (who may see the case)
 *   GET  /api/documents/:id/pdf   the sealed PDF, as an attachment
 *   POST /api/documents/:id/retry (staff of the case) a failed document
 *        back in the renderer's queue -> {id, status:"pending"}
 *   GET  /api/documents/failed    (hall admin, sysadmin) -> {items:[...]}
 *   GET  /api/verify/:code        (public) -> {valid, message, kind, doc_no,
 *        dept_name, date, case_no, applicant (masked), sm3, ...}
 *   POST /api/verify?code=        (public; raw PDF up to 20 MiB) -> {valid,
 *        message, sm3, document}: the copy must be byte for byte the
 *        registered document and its seal signature must verify
 *   GET  /verify/:code            (public) the same as a printable page
 *   GET  /api/my/certificates     (applicant) -> {items:[...]} */
#include "http/http.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/buf.h"
#include "base/limits.h"
#include "service/records/records.h"

static void
get_case_documents(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (documents_of_case(r->ctx, http_param_id(r, "id"), &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
get_document_pdf(struct http_req *r, struct http_resp *w)
{
	char name[256], fallback[64];
	int64_t id = http_param_id(r, "id");
	uint64_t size = 0;
	int fd = -1;
	struct err e;

	err_clear(&e);
	if (document_pdf_open(r->ctx, id, &fd, &size, name, &e) != 0) {
		http_error(w, &e);
		return;
	}
	w->status = 200;
	w->fd = fd;
	w->fd_size = size;
	w->content_type = "application/pdf";
	snprintf(fallback, sizeof(fallback), "document-%lld.pdf",
	    (long long)id);
	http_add_disposition(r, w, "attachment", name, fallback);
	http_add_header(r, w, "Cache-Control", "private, no-store");
}

static void
post_document_retry(struct http_req *r, struct http_resp *w)
{
	int64_t id = http_param_id(r, "id");
	struct err e;

	err_clear(&e);
	if (document_retry(r->ctx, id, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id,
	    "status", "pending"));
}

static void
get_documents_failed(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (documents_failed(r->ctx, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, json_pack("{s:o}", "items", out));
}

static void
get_verify_json(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (document_verify_code(r->ctx, http_param(r, "code"), &out,
	    &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
post_verify(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (document_verify_bytes(r->ctx, r->body, r->body_len,
	    http_query(r, "code"), &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
html_text(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, *s);
		}
	}
}

static void
html_row(struct buf *b, const char *label, const char *value)
{
	buf_puts(b, "<tr><th>");
	html_text(b, label);
	buf_puts(b, "</th><td>");
	html_text(b, value != NULL && value[0] != '\0' ? value : "—");
	buf_puts(b, "</td></tr>\n");
}

/* The 43-character case number in its parts (department code, level,
 * item code, day, sequence), each kept whole, so that a phone wraps it
 * between the parts; other lengths as they are. */
static void
html_case_no_row(struct buf *b, const char *no)
{
	static const int cuts[] = { 0, 18, 19, 31, 39, 43 };

	if (no == NULL || strlen(no) != 43) {
		html_row(b, "申请编号", no);
		return;
	}
	buf_puts(b, "<tr><th>申请编号</th><td>");
	for (size_t i = 0; i + 1 < sizeof(cuts) / sizeof(cuts[0]); i++) {
		char part[32];

		snprintf(part, sizeof(part), "%.*s", cuts[i + 1] - cuts[i],
		    no + cuts[i]);
		buf_puts(b, "<span class=\"g\">");
		html_text(b, part);
		buf_puts(b, "</span>");
	}
	buf_puts(b, "</td></tr>\n");
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static const char HTML_HEAD[] =
    "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>电子文书验证 - 白河县政务服务</title>\n<style>\n"
    "body{font-family:\"WenQuanYi Zen Hei\",\"Noto Sans CJK SC\",sans-serif;"
    "max-width:44rem;margin:2rem auto;padding:0 1rem;color:#222;"
    "line-height:1.6}\n"
    "h1{font-size:1.4rem;border-bottom:2px solid #b22;padding-bottom:.4rem}\n"
    ".ok,.bad,.wait{padding:1rem;margin:1rem 0;font-size:1.15rem;"
    "font-weight:bold;border:2px solid}\n"
    ".ok{color:#064;border-color:#064;background:#eefaf2}\n"
    ".bad{color:#b00;border-color:#b00;background:#fdeeee}\n"
    ".wait{color:#854;border-color:#a86;background:#fbf6ee}\n"
    "table{border-collapse:collapse;width:100%;table-layout:fixed}\n"
    "th,td{border:1px solid #999;padding:.35rem .6rem;text-align:left;"
    "vertical-align:top;overflow-wrap:anywhere}\n"
    "th{width:9rem;background:#f4f4f4;font-weight:normal}\n"
    "td.mono{font-family:monospace;word-break:break-all}\n"
    ".g{display:inline-block;white-space:nowrap;margin-right:.35em}\n"
    "footer{margin-top:2rem;font-size:.85rem;color:#555}\n"
    "@media (max-width:480px){body{margin:1rem auto;padding:0 .75rem}"
    "h1{font-size:1.15rem}th{width:5.5rem}th,td{padding:.3rem .4rem}}\n"
    "@media print{body{margin:0}}\n</style>\n</head>\n<body>\n"
    "<h1>白河县政务服务 · 电子文书验证</h1>\n";

static void
get_verify_page(struct http_req *r, struct http_resp *w)
{
	struct buf b;
	json_t *o = NULL, *cert;
	const char *cls, *st;
	char when[64] = "";
	int status = 200;
	size_t len;
	char *html;
	struct err e;

	err_clear(&e);
	buf_init(&b, (size_t)1 << 20);
	buf_puts(&b, HTML_HEAD);
	if (document_verify_code(r->ctx, http_param(r, "code"), &o, &e) != 0) {
		status = e.code == ERR_NOT_FOUND ? 404 : http_status_for(e.code);
		buf_puts(&b, "<p class=\"bad\">验证未通过：");
		html_text(&b, e.code == ERR_NOT_FOUND ?
		    "未找到该验证码对应的文书，请核对验证码。该文书可能是伪造的，"
		    "请勿采信。" : "暂时无法完成验证，请稍后重试。");
		buf_puts(&b, "</p>\n");
		goto out;
	}
	st = jstr(o, "status");
	cls = json_is_true(json_object_get(o, "valid")) ? "ok" :
	    strcmp(st, "pending") == 0 ? "wait" : "bad";
	buf_appendf(&b, "<p class=\"%s\">", cls);
	html_text(&b, jstr(o, "message"));
	buf_puts(&b, "</p>\n<table>\n");
	html_row(&b, "文书名称", jstr(o, "kind_label"));
	html_row(&b, "文书编号", jstr(o, "doc_no"));
	html_row(&b, "出具机关", jstr(o, "dept_name"));
	html_row(&b, "出具日期", jstr(o, "date"));
	html_case_no_row(&b, jstr(o, "case_no"));
	html_row(&b, "申请人", jstr(o, "applicant"));
	cert = json_object_get(o, "certificate");
	if (cert != NULL) {
		html_row(&b, "证照名称", jstr(cert, "name"));
		html_row(&b, "证照状态", json_is_true(json_object_get(cert,
		    "valid")) ? "有效" : "已撤销");
	}
	html_row(&b, "电子印章", jstr(o, "seal_name"));
	if (json_is_integer(json_object_get(o, "signed_at"))) {
		clock_datetime(json_integer_value(json_object_get(o,
		    "signed_at")), when);
	}
	html_row(&b, "签章时间", when);
	html_row(&b, "签章验证", json_is_true(json_object_get(o,
	    "signature_valid")) ? "有效（SM2）" : "无效或未签章");
	buf_puts(&b, "<tr><th>文件摘要（SM3）</th><td class=\"mono\">");
	html_text(&b, jstr(o, "sm3")[0] != '\0' ? jstr(o, "sm3") : "—");
	buf_puts(&b, "</td></tr>\n</table>\n");
out:
	buf_puts(&b, "<footer>本页面根据存档文书的原始文件和出具机关的电子印章"
	    "公钥实时验证。持有文书电子文件的，可将文件提交至本系统核对是否被"
	    "修改。</footer>\n</body>\n</html>\n");
	json_decref(o);
	html = buf_detach(&b, &len);
	if (html == NULL) {
		err_internal(&e, "verify page: out of memory");
		http_error(w, &e);
		return;
	}
	http_bytes(w, status, "text/html; charset=utf-8", html, len, true);
}

static void
get_my_certificates(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (certificates_mine(r->ctx, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

const struct route api_documents_routes[] = {
	{ "GET", "/api/cases/:id/documents", get_case_documents, ACCESS_LOGIN,
	    0 },
	{ "GET", "/api/documents/:id/pdf", get_document_pdf, ACCESS_LOGIN, 0 },
	{ "POST", "/api/documents/:id/retry", post_document_retry,
	    ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN |
	    ROLE_SYSADMIN, 0 },
	{ "GET", "/api/documents/failed", get_documents_failed,
	    ROLE_HALL_ADMIN | ROLE_SYSADMIN, 0 },
	{ "GET", "/api/verify/:code", get_verify_json, ACCESS_PUBLIC, 0 },
	{ "POST", "/api/verify", post_verify, ACCESS_PUBLIC,
	    LIMIT_UPLOAD_FILE },
	{ "GET", "/verify/:code", get_verify_page, ACCESS_PUBLIC, 0 },
	{ "GET", "/api/my/certificates", get_my_certificates, ROLE_APPLICANT,
	    0 },
	{ NULL, NULL, NULL, 0, 0 },
};
