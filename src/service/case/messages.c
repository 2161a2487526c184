/* messages.c - what the applicant is told at every step of a case (消息通知):
 * one template per kind of message (a title and text for the in-app inbox,
 * a short SMS of one segment), edited by the hall administrator
 * (message_templates overrides the defaults below), rendered with the
 * case's values and sent in the transaction of the change that caused it.
 * The change plan (plan.c) chooses the kind; case_tell() is the one sender
 * of the applicant's case messages. The SMS goes to the mobile given with
 * the case unless the applicant's account has switched SMS off. */
#include "service/case/case_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/clock.h"
#include "base/str.h"
#include "base/ttlcache.h"
#include "base/utf8.h"
#include "service/platform/platform.h"
#include "service/records/records.h"
#include "service/case/case.h"
#include "store/db.h"

/* One SMS segment holds 70 Chinese characters, the signature
 * 【白河县政务服务】 (9) included. */
#define SMS_SEGMENT_CHARS 70
#define SMS_SIGNATURE_CHARS 9
#define SMS_TEXT_CHARS (SMS_SEGMENT_CHARS - SMS_SIGNATURE_CHARS)
#define TITLE_CHARS 60
#define BODY_CHARS 400

static const struct case_msg_kind {
	const char *kind, *label, *title, *body, *sms;
} kinds[] = {
	{ "case_submitted", "申请已提交", "申请已提交：{item}",
	    "您申请的“{item}”已提交（办件编号 {case_no}，查询码 {code}），"
	    "请等待受理。可凭办件编号或查询码在政务服务网查询办理进度。",
	    "您的申请已提交，查询码{code}，请等待受理，可在政务服务网查询进度。" },
	{ "case_supplement", "需要补正材料", "请补正材料：{item}",
	    "您申请的“{item}”（办件编号 {case_no}）需要补正材料：{list}。"
	    "请于 {supplement_due} 前一次性提交全部补正材料；逾期未补正的，"
	    "视为撤回申请。",
	    "您的办件（查询码{code}）需补正材料，请于{supplement_due}前登录补正。" },
	{ "case_accepted", "已受理", "已受理：{item}",
	    "您申请的“{item}”（办件编号 {case_no}）已受理，承诺于 {due} 前"
	    "办结。受理通知书可在办件详情中查看。",
	    "您的办件（查询码{code}）已受理，承诺{due}前办结。" },
	{ "case_rejected", "不予受理", "不予受理：{item}",
	    "您申请的“{item}”（办件编号 {case_no}）不予受理，理由：{reason}。"
	    "不予受理通知书可在办件详情中查看。",
	    "您的申请（查询码{code}）不予受理，详情请登录政务服务网查看。" },
	{ "rongque_reminder", "容缺材料补交提醒", "容缺材料补交提醒：{item}",
	    "您容缺受理的“{item}”（办件编号 {case_no}）尚有 {count} 项容缺"
	    "材料未补交，请于 {supplement_due} 前补齐；逾期未补齐的，将终止"
	    "办理（退办）并记入信用记录。",
	    "您的办件（查询码{code}）尚有{count}项容缺材料，请于{supplement_due}前补齐。" },
	{ "case_suspended", "暂停计时", "办理暂停计时：{item}",
	    "您申请的“{item}”（办件编号 {case_no}）{reason}，办理期限暂停"
	    "计算，程序结束后恢复。",
	    "您的办件（查询码{code}）进入特别程序，期限暂停计算。" },
	{ "case_resumed", "恢复审查", "恢复审查：{item}",
	    "您申请的“{item}”（办件编号 {case_no}）已恢复审查，办理期限"
	    "恢复计算，预计 {due} 前办结。",
	    "您的办件（查询码{code}）已恢复审查，预计{due}前办结。" },
	{ "case_approved", "准予许可", "准予许可：{item}",
	    "您申请的“{item}”（办件编号 {case_no}）经审查，决定准予许可。"
	    "准予许可决定书可在办件详情中查看。",
	    "您的办件（查询码{code}）已决定准予许可。" },
	{ "case_denied", "不予许可", "不予许可：{item}",
	    "您申请的“{item}”（办件编号 {case_no}）经审查，决定不予许可，"
	    "理由：{reason}。您可依法申请行政复议或提起行政诉讼。",
	    "您的办件（查询码{code}）决定不予许可，详情请登录政务服务网查看。" },
	{ "case_result_ready", "结果已出具", "办理结果已出具：{item}",
	    "您申请的“{item}”（办件编号 {case_no}）的办理结果已制作完成，"
	    "可{method}。",
	    "您的办件（查询码{code}）结果已出具，可{method}。" },
	{ "case_delivered", "已办结", "已办结：{item}",
	    "您申请的“{item}”（办件编号 {case_no}）已办结，结果{method}{tracking}。"
	    "欢迎对本次服务作出评价（好差评）。",
	    "您的办件（查询码{code}）已办结，欢迎对本次服务作出评价。" },
	{ "case_terminated", "终止办理", "办件已终止办理：{item}",
	    "您申请的“{item}”（办件编号 {case_no}）已终止办理（退办），原因："
	    "{reason}。终止办理告知书可在办件详情中查看。",
	    "您的办件（查询码{code}）已终止办理，详情请登录政务服务网查看。" },
	{ "supplement_timeout", "补正超时退办", "办件已退办：{item}",
	    "您申请的“{item}”（办件编号 {case_no}）{reason}，已按规定退办。"
	    "如需办理请重新申请。",
	    "您的办件（查询码{code}）补正超时，已退办。" },
	{ "case_revoked", "撤销许可", "许可已撤销：{item}",
	    "您申请的“{item}”（办件编号 {case_no}）的许可决定已撤销，原因："
	    "{reason}。",
	    "您的办件（查询码{code}）许可决定已撤销，详情请登录政务服务网查看。" },
};

#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

/* The placeholders, with the longest value an SMS is checked with. */
static const struct {
	const char *name, *label, *sample;
	bool sms;
} vars[] = {
	{ "item", "事项名称", "食品经营许可证核发", true },
	{ "case_no", "办件编号", NULL, false },
	{ "code", "查询码", "ABCD2345", true },
	{ "due", "承诺办结日期", "2026-10-13", true },
	{ "supplement_due", "补正期限", "2026-10-13", true },
	{ "list", "补正材料清单", NULL, false },
	{ "reason", "理由", NULL, false },
	{ "method", "送达方式", "窗口领取、邮寄送达、网上下载", true },
	{ "tracking", "快递单号", NULL, false },
	{ "count", "件数", "12", true },
};

#define N_VARS (sizeof(vars) / sizeof(vars[0]))

static const struct case_msg_kind *
kind_find(const char *kind)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

static const char *
var_value(const struct case_tell_vars *v, const char *name, size_t n)
{
	static const struct {
		const char *name;
		size_t off;
	} map[] = {
		{ "item", offsetof(struct case_tell_vars, item) },
		{ "case_no", offsetof(struct case_tell_vars, case_no) },
		{ "code", offsetof(struct case_tell_vars, code) },
		{ "due", offsetof(struct case_tell_vars, due) },
		{ "supplement_due", offsetof(struct case_tell_vars,
		    supplement_due) },
		{ "list", offsetof(struct case_tell_vars, list) },
		{ "reason", offsetof(struct case_tell_vars, reason) },
		{ "method", offsetof(struct case_tell_vars, method) },
		{ "tracking", offsetof(struct case_tell_vars, tracking) },
		{ "count", offsetof(struct case_tell_vars, count) },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].name) == n &&
		    memcmp(map[i].name, name, n) == 0) {
			const char *s = *(const char *const *)(const void *)
			    ((const char *)v + map[i].off);

			return s != NULL ? s : "";
		}
	return NULL;
}

/* tpl with every {name} replaced; an unknown {name} stays as written. */
static void
render(const char *tpl, const struct case_tell_vars *v, char *out,
    size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	for (const char *s = tpl; *s != '\0' && len + 1 < outsz; ) {
		const char *end = s[0] == '{' ? strchr(s, '}') : NULL;
		const char *val = end != NULL ? var_value(v, s + 1,
		    (size_t)(end - s - 1)) : NULL;

		if (val != NULL) {
			size_t n = strlen(val);

			if (n > outsz - len - 1)
				n = outsz - len - 1;
			memcpy(out + len, val, n);
			len += n;
			s = end + 1;
		} else {
			out[len++] = *s++;
		}
	}
	/* Never end inside a UTF-8 sequence (only a cut leaves one: whole
	 * text, the common case, is checked once). */
	if (!utf8_valid(out, len)) {
		while (len > 0 && ((unsigned char)out[len - 1] & 0xC0) ==
		    0x80 && !utf8_valid(out, len))
			len--;
		if (len > 0 && !utf8_valid(out, len))
			len--;
	}
	out[len] = '\0';
}

/* Cuts s to at most max characters, the last one "…" when cut. */
static void
fit_chars(char *s, size_t max)
{
	size_t chars = 0, i = 0, keep = 0;

	if (utf8_strlen(s) <= max)
		return;
	while (s[i] != '\0') {
		size_t n = 1;

		while ((((unsigned char)s[i + n]) & 0xC0) == 0x80)
			n++;
		if (chars == max - 1) {
			keep = i;
			break;
		}
		chars++;
		i += n;
	}
	memcpy(s + keep, "…", sizeof("…"));
}

struct tmpl {
	char title[512], body[2048], sms[512];
};

/* The templates in force, per kind (a message goes out at nearly every
 * step of a case): the hall's edits show at once on this server (forgotten
 * when saved) and within the TTL on the others. */
struct tmpl_cached {
	struct tmpl t;
	bool edited;
};
static struct ttl_cache tmpl_cache = TTL_CACHE_INIT("message_templates", 64,
    sizeof(struct tmpl_cached), 30);

/* The template in force: the hall's edit, else the default. */
static int
tmpl_load(struct ctx *c, const struct case_msg_kind *k, struct tmpl *t,
    bool *edited, struct err *e)
{
	struct tmpl_cached v;
	struct db_stmt *s;
	size_t klen = strlen(k->kind);
	uint64_t gen;
	int rc;

	if (klen < TTL_CACHE_KEY_MAX &&
	    ttl_cache_get(&tmpl_cache, k->kind, klen, &v)) {
		*t = v.t;
		if (edited != NULL)
			*edited = v.edited;
		return 0;
	}
	gen = ttl_cache_generation(&tmpl_cache);
	memset(&v, 0, sizeof(v));
	str_copy(v.t.title, sizeof(v.t.title), k->title);
	str_copy(v.t.body, sizeof(v.t.body), k->body);
	str_copy(v.t.sms, sizeof(v.t.sms), k->sms);
	s = db_query(c->db, e, "SELECT title, body, sms FROM message_templates "
	    "WHERE kind = ?", "s", k->kind);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		str_copy(v.t.title, sizeof(v.t.title), db_col_text(s, 0));
		str_copy(v.t.body, sizeof(v.t.body), db_col_text(s, 1));
		str_copy(v.t.sms, sizeof(v.t.sms), db_col_text(s, 2));
		v.edited = true;
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*t = v.t;
	if (edited != NULL)
		*edited = v.edited;
	/* Read inside a transaction that may yet write the template
	 * (tmpl_set_tx does not read it): only committed text is cached. */
	if (klen < TTL_CACHE_KEY_MAX)
		ttl_cache_put(&tmpl_cache, k->kind, klen, &v, gen);
	return 0;
}

int
case_supplement_due(struct ctx *c, char out[11], struct err *e)
{
	return case_workdays_after_today(c,
	    (int)config_int("case.supplement_timeout_days"), out, e);
}

/* The ways a result reaches the applicant, as the item offers them. */
static void
ways_text(unsigned delivery, char *out, size_t outsz)
{
	size_t n = 0;

	out[0] = '\0';
	if (delivery == 0)
		delivery = DELIVERY_WINDOW;
	if (delivery & DELIVERY_WINDOW)
		n += (size_t)snprintf(out + n, outsz - n, "到窗口领取");
	if ((delivery & DELIVERY_POST) && n < outsz)
		n += (size_t)snprintf(out + n, outsz - n, "%s邮寄送达",
		    n > 0 ? "、" : "");
	if ((delivery & DELIVERY_DOWNLOAD) && n < outsz)
		snprintf(out + n, outsz - n, "%s在政务服务网下载电子证照",
		    n > 0 ? "、" : "");
}

int
case_tell(struct ctx *c, int64_t case_id, const char *kind,
    const struct case_tell_vars *in, struct err *e)
{
	struct case_told k;
	struct db_stmt *s;
	char no[64] = "", code[16] = "", item[256] = "", mobile[32] = "";
	char due[11] = "", sdue[11] = "";
	int rc;

	if (!db_in_tx(c->db))
		return err_internal(e, "case_tell outside a transaction");
	s = db_query(c->db, e, "SELECT case_no, COALESCE(query_code, ''), "
	    "COALESCE(applicant_id, 0), COALESCE(due_day, ''), "
	    "COALESCE(supplement_due, ''), " CASE_TOLD_COLUMNS " FROM cases "
	    "WHERE id = ?", "i", case_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	memset(&k, 0, sizeof(k));
	if (rc == DB_ROW) {
		str_copy(no, sizeof(no), db_col_text(s, 0));
		str_copy(code, sizeof(code), db_col_text(s, 1));
		k.applicant_id = db_col_int(s, 2);
		str_copy(due, sizeof(due), db_col_text(s, 3));
		str_copy(sdue, sizeof(sdue), db_col_text(s, 4));
		str_copy(mobile, sizeof(mobile), db_col_text(s, 5));
		str_copy(item, sizeof(item), db_col_text(s, 6));
		k.wants_sms = db_col_int(s, 7) != 0;
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_internal(e, "case_tell: no case %" PRId64, case_id);
	k.case_no = no;
	k.query_code = code;
	k.item = item;
	k.mobile = mobile;
	k.due_day = due;
	k.supplement_due = sdue;
	return case_tell_known(c, case_id, &k, kind, in, e);
}

int
case_tell_known(struct ctx *c, int64_t case_id, const struct case_told *k,
    const char *kind, const struct case_tell_vars *in, struct err *e)
{
	const struct case_msg_kind *mk = kind_find(kind);
	struct case_tell_vars v;
	struct tmpl t;
	char title[512], body[2048], sms[512];
	int rc;

	if (mk == NULL)
		return err_internal(e, "case_tell: unknown kind %s", kind);
	if (!db_in_tx(c->db))
		return err_internal(e, "case_tell outside a transaction");
	rc = tmpl_load(c, mk, &t, NULL, e);
	if (rc != 0)
		return rc;
	memset(&v, 0, sizeof(v));
	if (in != NULL)
		v = *in;
	v.item = k->item;
	v.case_no = k->case_no;
	/* Older cases have no query code: the number stands in. */
	v.code = k->query_code[0] != '\0' ? k->query_code : k->case_no;
	if (v.due == NULL)
		v.due = k->due_day[0] != '\0' ? k->due_day :
		    "（以受理通知书为准）";
	if (v.supplement_due == NULL)
		v.supplement_due = k->supplement_due[0] != '\0' ?
		    k->supplement_due : "（以补正通知书为准）";
	render(t.title, &v, title, sizeof(title));
	render(t.body, &v, body, sizeof(body));
	render(t.sms, &v, sms, sizeof(sms));
	fit_chars(sms, SMS_TEXT_CHARS);
	if (k->applicant_id > 0) {
		rc = notify_user(c, k->applicant_id, case_id, kind, title, body,
		    e);
		if (rc != 0)
			return rc;
	}
	if (sms[0] == '\0' || (k->applicant_id > 0 && !k->wants_sms))
		return 0;
	return notify_sms(c, k->mobile, case_id, kind, sms, e);
}

/* ---- the plan's choice ---- */

/* The names of the materials a plan marks flawed, with their problems. */
static void
flaw_list(const struct case_plan *p, char *out, size_t outsz)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < p->n_mats; i++) {
		int w;

		if (strcmp(p->mats[i].status, "flawed") != 0 ||
		    p->mats[i].idx < 0 || p->mats[i].idx >= p->facts->n_materials)
			continue;
		w = snprintf(out + n, outsz - n, "%s%s（%s）", n > 0 ? "；" : "",
		    p->facts->materials[p->mats[i].idx].name,
		    p->mats[i].problem != NULL ? p->mats[i].problem : "");
		if (w < 0 || (size_t)w >= outsz - n)
			break;
		n += (size_t)w;
	}
}

int
case_plan_tell(struct case_plan *p, struct err *e)
{
	static const struct {
		const char *action, *kind;
	} map[] = {
		{ "accept", "case_accepted" },
		{ "request_supplement", "case_supplement" },
		{ "request_more", "case_supplement" },
		{ "special_procedure", "case_suspended" },
		{ "resume", "case_resumed" },
		{ "reject", "case_rejected" },
		{ "approve", "case_approved" },
		{ "deny", "case_denied" },
		{ "deliver", "case_delivered" },
		{ "revoke", "case_revoked" },
		{ "terminate", "case_terminated" },
	};
	const char *kind = p->tell_kind, *note = NULL, *action = NULL;
	char list[1200], sdue[11], method[160], tracking[96];
	struct case_tell_vars v = p->tell;
	int rc;

	if (p->quiet)
		return 0;
	/* The last step that changed the state says what happened. */
	for (int i = p->n_events - 1; i >= 0 && action == NULL; i--)
		if (p->events[i].to != NULL) {
			action = p->events[i].action;
			note = p->events[i].note;
		}
	if (kind == NULL && action != NULL)
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strcmp(map[i].action, action) == 0)
				kind = map[i].kind;
	if (kind == NULL)
		return 0;
	if (v.reason == NULL)
		v.reason = note != NULL && note[0] != '\0' ? note : "未说明";
	if (strcmp(kind, "case_supplement") == 0) {
		flaw_list(p, list, sizeof(list));
		v.list = list[0] != '\0' ? list : note;
		if (v.supplement_due == NULL) {
			rc = case_supplement_due(p->c, sdue, e);
			if (rc != 0)
				return rc;
			v.supplement_due = sdue;
		}
	} else if (strcmp(kind, "case_delivered") == 0) {
		const char *m = p->delivery_method != NULL ?
		    p->delivery_method : "window";

		str_copy(method, sizeof(method), strcmp(m, "post") == 0 ?
		    "已邮寄送达" : strcmp(m, "download") == 0 ?
		    "可在政务服务网下载" : "已在窗口领取");
		v.method = method;
		if (p->tracking_no != NULL) {
			snprintf(tracking, sizeof(tracking), "（快递单号 %s）",
			    p->tracking_no);
			v.tracking = tracking;
		}
	} else if (strcmp(kind, "case_suspended") == 0) {
		snprintf(list, sizeof(list), "因%s启动特别程序", note != NULL ?
		    note : "");
		v.reason = list;
	}
	/* The case as the plan's UPDATE returned it, unless a suspension
	 * or resumption has changed its deadline since. */
	if (p->after.told && p->resume == NULL && p->suspend == NULL) {
		struct case_told k;

		memset(&k, 0, sizeof(k));
		k.case_no = p->row->case_no;
		k.query_code = p->row->query_code;
		k.item = p->after.item;
		k.mobile = p->after.mobile;
		k.applicant_id = p->after.applicant_id;
		k.due_day = p->after.due_day;
		k.supplement_due = p->supplement_due != NULL ?
		    p->supplement_due : "";
		k.wants_sms = p->after.wants_sms;
		return case_tell_known(p->c, p->row->id, &k, kind, &v, e);
	}
	return case_tell(p->c, p->row->id, kind, &v, e);
}

/* ---- the result is ready (the renderer's hook) ---- */

static int
result_ready(struct ctx *c, int64_t case_id, const char *doc_kind,
    struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_tell_vars v;
	struct case_row r;
	char ways[160];
	int rc;

	if (strcmp(doc_kind, DOC_CERTIFICATE) != 0)
		return 0;
	rc = case_row_load(c, case_id, &r, e);
	if (rc != 0)
		return rc;
	/* Told only while the result waits for the applicant: a result
	 * handed out at once (即办件) needs no second message. */
	if (strcmp(r.state, "certify") == 0) {
		rc = item_facts_get(c, r.item_version_id, &f, e);
		if (rc == 0) {
			ways_text(f->delivery, ways, sizeof(ways));
			memset(&v, 0, sizeof(v));
			v.method = ways;
			rc = case_tell(c, case_id, "case_result_ready", &v, e);
		}
		item_facts_put(f);
	}
	case_row_release(&r);
	return rc;
}

void
case_messages_register(void)
{
	documents_ready_hook_set(result_ready);
}

/* ---- the hall's templates ---- */

static bool
may_edit(const struct actor *a)
{
	return a != NULL && actor_has(a, ROLE_HALL_ADMIN | ROLE_SYSADMIN);
}

int
case_messages_list(struct ctx *c, json_t **out, struct err *e)
{
	json_t *items, *names;
	int rc;

	*out = NULL;
	if (!may_edit(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看消息模板");
	items = json_array();
	for (size_t i = 0; i < N_KINDS; i++) {
		struct tmpl t;
		bool edited;

		rc = tmpl_load(c, &kinds[i], &t, &edited, e);
		if (rc != 0) {
			json_decref(items);
			return rc;
		}
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s, s:b, s:{s:s, s:s, s:s}}", "kind", kinds[i].kind,
		    "label", kinds[i].label, "title", t.title, "body", t.body,
		    "sms", t.sms, "edited", edited, "default", "title",
		    kinds[i].title, "body", kinds[i].body, "sms",
		    kinds[i].sms));
	}
	names = json_array();
	for (size_t i = 0; i < N_VARS; i++)
		json_array_append_new(names, json_pack("{s:s, s:s, s:b}",
		    "name", vars[i].name, "label", vars[i].label, "sms",
		    vars[i].sms));
	*out = json_pack("{s:o, s:o, s:i}", "items", items, "placeholders",
	    names, "sms_chars", SMS_TEXT_CHARS);
	return 0;
}

/* Every {name} in s is a known placeholder (and, for an SMS, a short one). */
static int
check_placeholders(const char *s, const char *field, bool sms,
    struct err *e)
{
	for (const char *p = strchr(s, '{'); p != NULL; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		size_t n = end != NULL ? (size_t)(end - p - 1) : 0;
		size_t i;

		for (i = 0; end != NULL && i < N_VARS; i++)
			if (strlen(vars[i].name) == n &&
			    memcmp(vars[i].name, p + 1, n) == 0)
				break;
		if (end == NULL || i == N_VARS)
			return err_field(e, ERR_INVALID, field, "bad_placeholder",
			    "模板含有未知的占位符：%.40s", p);
		if (sms && !vars[i].sms)
			return err_field(e, ERR_INVALID, field, "sms_placeholder",
			    "短信模板不能使用“{%s}”（%s过长，超出一条短信）",
			    vars[i].name, vars[i].label);
	}
	return 0;
}

struct tmpl_tx {
	struct ctx *c;
	const char *kind, *title, *body, *sms;
	bool reset;
};

static int
tmpl_set_tx(struct db *db, void *arg, struct err *e)
{
	struct tmpl_tx *t = arg;
	json_t *sum;
	int rc;

	if (t->reset)
		rc = db_exec(db, e, "DELETE FROM message_templates WHERE "
		    "kind = ?", "s", t->kind);
	else
		rc = db_exec(db, e, "INSERT INTO message_templates (kind, title, "
		    "body, sms, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, "
		    "?) ON CONFLICT (kind) DO UPDATE SET title = excluded.title, "
		    "body = excluded.body, sms = excluded.sms, updated_by = "
		    "excluded.updated_by, updated_at = excluded.updated_at",
		    "ssssii", t->kind, t->title, t->body, t->sms,
		    t->c->actor->user_id, clock_now());
	if (rc != 0)
		return rc;
	sum = t->reset ? json_object() : json_pack("{s:s, s:s, s:s}", "title",
	    t->title, "body", t->body, "sms", t->sms);
	rc = audit_append(t->c, t->reset ? "message_template.reset" :
	    "message_template.update", "message_template", t->kind, sum, e);
	json_decref(sum);
	return rc;
}

int
case_message_set(struct ctx *c, const char *kind, const char *title,
    const char *body, const char *sms, json_t **out, struct err *e)
{
	const struct case_msg_kind *k;
	struct case_tell_vars v;
	struct tmpl_tx t;
	char sample[512];
	size_t n;
	int rc;

	*out = NULL;
	if (!may_edit(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权修改消息模板");
	k = kind_find(kind != NULL ? kind : "");
	if (k == NULL)
		return err_set(e, ERR_NOT_FOUND, NULL, "没有这种消息");
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.kind = k->kind;
	t.reset = title == NULL && body == NULL && sms == NULL;
	if (!t.reset) {
		rc = case_text(title, "title", "消息标题", TITLE_CHARS, true, e);
		if (rc == 0)
			rc = case_text(body, "body", "消息内容", BODY_CHARS, true,
			    e);
		if (rc == 0)
			rc = case_text(sms, "sms", "短信内容", SMS_TEXT_CHARS,
			    false, e);
		if (rc == 0)
			rc = check_placeholders(title, "title", false, e);
		if (rc == 0)
			rc = check_placeholders(body, "body", false, e);
		if (rc == 0 && sms != NULL)
			rc = check_placeholders(sms, "sms", true, e);
		if (rc != 0)
			return rc;
		/* The SMS with the longest values must fit one segment. */
		memset(&v, 0, sizeof(v));
		v.item = vars[0].sample;
		v.code = vars[2].sample;
		v.due = v.supplement_due = vars[3].sample;
		v.method = vars[7].sample;
		v.count = vars[9].sample;
		render(sms != NULL ? sms : "", &v, sample, sizeof(sample));
		n = utf8_strlen(sample);
		if (n > SMS_TEXT_CHARS)
			return err_field(e, ERR_INVALID, "sms", "sms_too_long",
			    "短信内容代入后最长 %zu 字，超过一条短信可容纳的 %d 字"
			    "（含签名共 %d 字）", n, SMS_TEXT_CHARS,
			    SMS_SEGMENT_CHARS);
		t.title = title;
		t.body = body;
		t.sms = sms != NULL ? sms : "";
	}
	rc = db_tx(c->db, tmpl_set_tx, &t, e);
	/* After the commit (or a failure): the next message reads it again. */
	ttl_cache_forget(&tmpl_cache, t.kind, strlen(t.kind));
	if (rc != 0)
		return rc;
	return case_messages_list(c, out, e);
}
