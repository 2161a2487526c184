/* config.c - the table of every setting and its reader (base/config.h).
 *
 * Add a setting by adding a row here, with the source of its default in
 * `doc`; `onetrip config show --markdown` regenerates docs/configuration.md. */
#include "base/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

#define CONFIG_VALUE_MAX 512

/* Sorted by key. */
static const struct config_key keys[] = {
	{ "case.supplement_timeout_days", CONFIG_INT, "10", 1, 365,
	  "一次性告知补正后申请人未补正、视为撤回申请的工作日数（本地规定）" },
	{ "db", CONFIG_STR, "sqlite:var/onetrip.db", 0, 0,
	  "数据库地址：sqlite:文件路径 或 postgresql://…（命令行 --db 同义）" },
	{ "db.read_url", CONFIG_STR, "", 0, 0,
	  "只读查询的数据库地址（PostgreSQL 同步备库，如 postgresql://…@db2,db1/…?target_session_attrs=prefer-standby）：设置后公开的办事指南查询由它应答，滞后上限见 docs/deploy.md；为空时一切走 db" },
	{ "devices.url", CONFIG_STR, "", 0, 0,
	  "窗口本机外设服务（身份证阅读器、高拍仪）的地址，只能是 http://127.0.0.1:端口 或 http://localhost:端口，接口见 docs/devices.md；为空时窗口页面不显示读卡和拍摄按钮" },
	{ "http.body_memory_mb", CONFIG_INT, "64", 4, 4096,
	  "所有请求正文合计在内存中占用的上限（MiB），超出时答 503；较大的正文写入临时文件（大请求耗尽内存的防护）" },
	{ "http.body_min_rate", CONFIG_INT, "1024", 0, 1048576,
	  "请求正文的最低平均速率（字节/秒，10 秒后检查），低于时断开连接；0 表示不检查（慢速攻击防护）" },
	{ "http.body_spool_kb", CONFIG_INT, "64", 4, 1048576,
	  "请求正文超过此大小（KiB）时写入 var/tmp 下的临时文件而不占内存" },
	{ "http.header_timeout_s", CONFIG_INT, "20", 0, 3600,
	  "收完请求行和请求头的绝对期限（秒），逾期断开连接；0 表示不限（slowloris 防护）" },
	{ "http.listen", CONFIG_STR, "127.0.0.1:8080", 0, 0,
	  "监听地址 HOST:PORT，端口 0 表示自动选择" },
	{ "http.max_conns_per_ip", CONFIG_INT, "128", 0, 65535,
	  "同一来源地址的最大并发连接数；0 表示不限（部署在反向代理之后时，由代理限制）" },
	{ "http.public_url", CONFIG_STR, "", 0, 0,
	  "对外访问地址，用于文书二维码和短信链接；为空时取监听地址；https 地址时 Cookie 带 Secure 并发送 HSTS" },
	{ "http.secure_cookies", CONFIG_BOOL, "0", 0, 0,
	  "Cookie 加 Secure 属性（部署在 TLS 之后）" },
	{ "http.static_dir", CONFIG_STR, "web/dist", 0, 0,
	  "前端页面目录" },
	{ "http.threads", CONFIG_INT, "0", 0, 256,
	  "工作线程数，0 表示按 CPU 核数自动确定" },
	{ "indicators.scope_types", CONFIG_STR, "01,05,07-29", 0, 0,
	  "计入改革指标分母的事项类型（两位代码或区间，逗号分隔）：依申请六类 01 05 07 08 09 10、行政备案 11、扩展类型 12-19 与 21-29、公共服务 20（domain.md §3，docs/indicators.md）" },
	{ "indicators.time_formula", CONFIG_STR, "mean", 0, 0,
	  "减时间比例口径：mean 为各事项(法定-承诺)/法定的平均值，sum 为Σ(法定-承诺)/Σ法定（domain.md §3，未见公开公式）" },
	{ "jobs.lease_seconds", CONFIG_INT, "30", 2, 3600,
	  "后台任务租约秒数：多台服务器共用一个数据库时，每项后台任务由持有租约的一台服务器执行；它宕机后，其他服务器在租约到期后 2 秒内接手" },
	{ "ledger.due_day", CONFIG_INT, "23", 1, 28,
	  "工作台账报送截止日：每季度最后一月的该日（白政办发〔2024〕1号：每季度最后一月23日前）" },
	{ "ledger.remind_from_day", CONFIG_INT, "16", 1, 28,
	  "工作台账提醒起始日：每季度最后一月自该日起每日提醒未报送部门（本地安排）" },
	{ "login.account_max_failures", CONFIG_INT, "20", 5, 200,
	  "同一账号（不论来源地址）在计数窗口内允许的登录失败次数，超过后逐次加倍延迟（防分布式猜测）" },
	{ "login.address_max_failures", CONFIG_INT, "50", 5, 1000,
	  "同一来源地址（不论账号）在计数窗口内允许的登录失败次数，超过后逐次加倍延迟（防撞库）" },
	{ "login.delay_seconds", CONFIG_INT, "60", 1, 3600,
	  "首次限制登录的延迟秒数，此后每次加倍，最长为 login.lock_seconds（等保三级：登录失败处理）" },
	{ "login.lock_seconds", CONFIG_INT, "900", 60, 86400,
	  "登录失败计数窗口及最长延迟秒数（等保三级：登录失败处理）" },
	{ "login.max_failures", CONFIG_INT, "5", 3, 20,
	  "同一账号从同一来源地址允许的连续登录失败次数，超过后该地址须等待（等保三级：登录失败处理）" },
	{ "outbox.backoff_seconds", CONFIG_INT, "30", 1, 3600,
	  "发件箱（短信、好差评上报）发送失败后首次重试的等待秒数，此后每次加倍，最长 6 小时" },
	{ "outbox.max_attempts", CONFIG_INT, "10", 1, 100,
	  "发件箱消息连续失败多少次后转入死信，需人工重发（onetrip outbox resend）" },
	{ "outbox.timeout_seconds", CONFIG_INT, "10", 1, 120,
	  "好差评上报 HTTP 请求的超时秒数（连接和整个请求）" },
	{ "project.stall_workdays", CONFIG_INT, "3", 1, 60,
	  "工程建设项目的审批事项连续多少个工作日没有办理环节即生成问题工单，推送项目管家（本地规定）" },
	{ "project.steward_depts", CONFIG_STR, "县行政审批服务局,县发改局", 0, 0,
	  "可担任项目管家的部门，逗号分隔（项目管家由政务服务中心或发改部门工作人员担任）" },
	{ "project.target_days_gov", CONFIG_INT, "120", 1, 400,
	  "政府投资项目审批全流程目标工作日数（国办发〔2019〕11号：不超过 120 个工作日；安康高新区 22 个工作日，domain.md §7）" },
	{ "project.target_days_small", CONFIG_INT, "120", 1, 400,
	  "小型社会投资项目审批全流程目标工作日数（默认 120 个工作日，可按本地改革目标压缩）" },
	{ "project.target_days_social", CONFIG_INT, "120", 1, 400,
	  "社会投资项目审批全流程目标工作日数（默认 120 个工作日；安康高新区一般社会投资项目 55 个工作日，domain.md §7）" },
	{ "rating.appeal_days", CONFIG_INT, "5", 1, 60,
	  "差评申诉（误评、恶意差评）由大厅管理员复核的工作日数（本地规定；domain.md §1.3 未查实全国时限）" },
	{ "rating.default_days", CONFIG_INT, "0", 0, 365,
	  "办结后多少天未评价即记默认评价（基本满意，渠道 8 系统默认评价）；0 表示不启用（广东为 7 个自然日，domain.md §1.2）" },
	{ "rating.feedback_days", CONFIG_INT, "2", 1, 60,
	  "差评整改结果反馈评价人的工作日数（本地规定）" },
	{ "rating.notice_qr_days", CONFIG_INT, "60", 1, 365,
	  "受理通知书上评价二维码的有效天数（自通知书日期起；申请人凭它评价受理和办理结果）" },
	{ "rating.qr_ttl_seconds", CONFIG_INT, "1800", 60, 604800,
	  "窗口评价页出示的评价二维码的有效秒数" },
	{ "rating.rectify_days", CONFIG_INT, "5", 1, 60,
	  "差评整改的工作日数（德州：整改反馈不超过 5 个工作日，domain.md §1.3）" },
	{ "rating.rectify_max_days", CONFIG_INT, "15", 1, 120,
	  "限期整改可定的最长工作日数（四川某市：15 个工作日，domain.md §1.3）" },
	{ "rating.region_code", CONFIG_STR, "610929", 0, 0,
	  "好差评上报的行政区划代码（白河县 610929，GB/T 39046 n..9）" },
	{ "rating.revisit_days", CONFIG_INT, "3", 1, 60,
	  "差评回访的工作日数（实名差评回访率 100%，domain.md §1.3）" },
	{ "rating.supervise_days", CONFIG_INT, "5", 1, 60,
	  "督查室监督差评整改（办结或退回）的工作日数（本地规定）" },
	{ "rating.upload_url", CONFIG_STR, "", 0, 0,
	  "省级好差评系统的上报地址（HTTP POST JSON）；为空时写入 var/rating-upload.log" },
	{ "rating.verify_days", CONFIG_INT, "3", 1, 60,
	  "差评由责任部门核实的工作日数（本地规定）" },
	{ "realname.provincial_url", CONFIG_STR, "", 0, 0,
	  "省级身份认证服务的地址（HTTP POST JSON {idno, name}，答 {match}）；为空时不提供该核验方式" },
	{ "requests.due_workdays", CONFIG_INT, "5", 1, 60,
	  "审批类申请（人员变动、事项撤回、限制性变更等）应在提交后多少个工作日内处理，逾期标记并提醒审批人（本地规定）" },
	{ "rules.extension_joint_days", CONFIG_INT, "15", 1, 60,
	  "联合办理、集中办理（四十五个工作日）的审批期限最多延长的工作日数，只能延长一次（《行政许可法》第四十二条第二款）" },
	{ "rules.extension_max_days", CONFIG_INT, "10", 1, 60,
	  "二十个工作日的审批期限经本机关负责人批准最多延长的工作日数，只能延长一次（《行政许可法》第四十二条第一款）" },
	{ "rules.extension_other_days", CONFIG_INT, "30", 1, 250,
	  "其他法定时限的事项在写明允许延长的法律、法规依据时最多延长的工作日数（《行政许可法》第四十二条第一款“法律、法规另有规定的，依照其规定”；平台上限）" },
	{ "rules.rongque_reminder_days", CONFIG_INT, "2", 0, 30,
	  "容缺材料补交期限前多少个工作日提醒申请人补交（本地规定：容缺受理一次性告知补交期限及逾期后果，domain.md §4.1）" },
	{ "session.absolute_seconds", CONFIG_INT, "43200", 600, 604800,
	  "会话最长有效秒数，不论是否活动（OWASP ASVS 3.3）" },
	{ "session.idle_seconds", CONFIG_INT, "1800", 60, 86400,
	  "会话空闲超时秒数（等保三级：会话超时）" },
	{ "sqlite.group_commit", CONFIG_BOOL, "1", 0, 0,
	  "SQLite 合并提交：排队的事务一批提交并同步 WAL；0 表示每次提交 synchronous=FULL" },
	{ "supervise.escalation_path", CONFIG_STR, "县职转办,县营商办,县审改办", 0, 0,
	  "问题工单逾期未解决时逐级升级的单位，逗号分隔（白政办发〔2024〕1号：问题处置协同由县职转办、县营商办、县审改办牵头）" },
	{ "supervise.escalation_step_days", CONFIG_INT, "3", 1, 60,
	  "问题工单逾期后每过多少个工作日升级到下一级单位（本地规定）" },
	{ "supervise.quick_case_minutes", CONFIG_INT, "10", 1, 1440,
	  "同一人创建并办结办件的间隔在多少分钟以内时标记为疑似事后补录（体外循环核查）" },
	{ "supervise.sittings_per_quarter", CONFIG_INT, "1", 0, 90,
	  "每个部门每季度应有的领导坐窗口、走流程次数（白政办发〔2024〕1号：常态化开展一把手坐窗口、走流程）" },
	{ "supervise.stall_workdays", CONFIG_INT, "5", 1, 60,
	  "在办办件连续多少个工作日没有任何办理环节即视为久拖无进展，自动生成问题工单（本地规定）" },
	{ "supervise.ticket_due_workdays", CONFIG_INT, "10", 1, 60,
	  "问题工单未约定日期时默认的解决期限（工作日，本地规定）" },
	{ "supervise.volume_gap_min", CONFIG_INT, "3", 1, 100000,
	  "体外循环核查：部门报送量比平台办件量至少多出多少件才生成工单" },
	{ "supervise.volume_gap_percent", CONFIG_INT, "10", 0, 100,
	  "体外循环核查：部门报送量超出平台办件量的比例超过多少（%）时生成问题工单" },
	{ "var", CONFIG_STR, "var", 0, 0,
	  "数据目录：上传文件、文书、印章密钥、短信发件箱" },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* Current values as text; NULL means the default. Written only before the
 * server's threads start (and by tests). sources[i] says where values[i]
 * came from; loading_file is set while config_load_file() reads. */
static char *values[NKEYS];
static enum config_source sources[NKEYS];
static bool loading_file;

static const struct config_key *
find(const char *key, size_t *idx)
{
	size_t lo = 0, hi = NKEYS;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(key, keys[mid].key);

		if (c == 0) {
			if (idx != NULL)
				*idx = mid;
			return &keys[mid];
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int
parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static int
parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0 ||
	    strcmp(s, "yes") == 0 || strcmp(s, "on") == 0)
		*out = true;
	else if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0 ||
	    strcmp(s, "no") == 0 || strcmp(s, "off") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

int
config_set(const char *key, const char *value, struct err *e)
{
	const struct config_key *k;
	size_t i;
	int64_t n;
	bool b;
	char *copy;

	k = find(key, &i);
	if (k == NULL)
		return err_field(e, ERR_INVALID, key, "unknown_setting",
		    "没有名为 %s 的配置项", key);
	if (strlen(value) >= CONFIG_VALUE_MAX)
		return err_field(e, ERR_INVALID, key, "bad_setting",
		    "配置项 %s 的值过长", key);
	switch (k->type) {
	case CONFIG_INT:
		if (parse_int(value, &n) != 0 || n < k->min || n > k->max)
			return err_field(e, ERR_INVALID, key, "bad_setting",
			    "配置项 %s 须为 %lld 至 %lld 的整数", key,
			    (long long)k->min, (long long)k->max);
		break;
	case CONFIG_BOOL:
		if (parse_bool(value, &b) != 0)
			return err_field(e, ERR_INVALID, key, "bad_setting",
			    "配置项 %s 须为 0 或 1", key);
		value = b ? "1" : "0";
		break;
	case CONFIG_STR:
		break;
	}
	copy = strdup(value);
	if (copy == NULL)
		return err_internal(e, "config_set: out of memory");
	free(values[i]);
	values[i] = copy;
	sources[i] = loading_file ? CONFIG_SOURCE_FILE : CONFIG_SOURCE_COMMAND;
	return 0;
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

int
config_set_arg(const char *arg, struct err *e)
{
	char buf[CONFIG_VALUE_MAX + 128];
	char *eq;

	if (strlen(arg) >= sizeof(buf))
		return err_set(e, ERR_INVALID, "bad_setting", "配置参数过长");
	strcpy(buf, arg);
	eq = strchr(buf, '=');
	if (eq == NULL)
		return err_set(e, ERR_INVALID, "bad_setting",
		    "配置参数须写作 key=value：%s", arg);
	*eq = '\0';
	return config_set(trim(buf), trim(eq + 1), e);
}

int
config_load_file(const char *path, struct err *e)
{
	char line[CONFIG_VALUE_MAX + 128];
	FILE *f;
	int lineno = 0, rc = 0;

	f = fopen(path, "r");
	if (f == NULL)
		return err_set(e, ERR_INVALID, "config_file",
		    "无法读取配置文件 %s: %s", path, strerror(errno));
	loading_file = true;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = trim(line);
		struct err le;

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		err_clear(&le);
		if (config_set_arg(s, &le) != 0) {
			rc = err_set(e, le.code, "config_file", "%s 第 %d 行: %s",
			    path, lineno, le.msg);
			break;
		}
	}
	loading_file = false;
	fclose(f);
	return rc;
}

void
config_reset(void)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		free(values[i]);
		values[i] = NULL;
		sources[i] = CONFIG_SOURCE_DEFAULT;
	}
}

static const char *
value_of(const char *key, enum config_type type)
{
	const struct config_key *k;
	size_t i;

	k = find(key, &i);
	if (k == NULL || k->type != type) {
		log_error("config: %s is not a setting of that type", key);
		abort();
	}
	return values[i] != NULL ? values[i] : k->def;
}

int64_t
config_int(const char *key)
{
	int64_t n = 0;

	(void)parse_int(value_of(key, CONFIG_INT), &n);
	return n;
}

bool
config_bool(const char *key)
{
	return strcmp(value_of(key, CONFIG_BOOL), "1") == 0;
}

const char *
config_str(const char *key)
{
	return value_of(key, CONFIG_STR);
}

size_t
config_count(void)
{
	return NKEYS;
}

const struct config_key *
config_key_at(size_t i)
{
	return i < NKEYS ? &keys[i] : NULL;
}

const char *
config_value_at(size_t i)
{
	if (i >= NKEYS)
		return NULL;
	return values[i] != NULL ? values[i] : keys[i].def;
}

enum config_source
config_source_at(size_t i)
{
	return i < NKEYS ? sources[i] : CONFIG_SOURCE_DEFAULT;
}

const char *
config_source_name(enum config_source s)
{
	switch (s) {
	case CONFIG_SOURCE_FILE:
		return "file";
	case CONFIG_SOURCE_COMMAND:
		return "command";
	case CONFIG_SOURCE_DEFAULT:
	default:
		return "default";
	}
}

bool
config_key_secret(const char *key)
{
	static const char *const words[] = {
		"key", "password", "passwd", "secret", "token", "credential",
		"private",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(key, words[i]) != NULL)
			return true;
	return false;
}

/* Copies at most n bytes of s (n may exceed strlen) into out. */
static void
put_n(char *out, size_t outsz, size_t *j, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i] != '\0' && *j + 1 < outsz; i++)
		out[(*j)++] = s[i];
	out[*j] = '\0';
}

void
config_redact(const char *value, char *out, size_t outsz)
{
	const char *scheme, *rest, *at, *slash, *q, *pw;
	size_t j = 0;

	if (outsz == 0)
		return;
	out[0] = '\0';
	scheme = strstr(value, "://");
	if (scheme != NULL) {
		/* scheme://[userinfo@]host[/path][?query]: the userinfo and
		 * the query (libpq takes password=... there) are blanked. */
		rest = scheme + 3;
		slash = rest + strcspn(rest, "/?#");
		at = memchr(rest, '@', (size_t)(slash - rest));
		put_n(out, outsz, &j, value, (size_t)(rest - value));
		if (at != NULL) {
			put_n(out, outsz, &j, "***@", 4);
			rest = at + 1;
		}
		q = strchr(rest, '?');
		put_n(out, outsz, &j, rest, q != NULL ? (size_t)(q - rest) :
		    strlen(rest));
		if (q != NULL)
			put_n(out, outsz, &j, "?***", 4);
		return;
	}
	/* libpq keyword form: "host=... password=secret ...". */
	pw = strstr(value, "password=");
	if (pw != NULL) {
		put_n(out, outsz, &j, value, (size_t)(pw - value) + 9);
		put_n(out, outsz, &j, "***", 3);
		pw += 9;
		pw += strcspn(pw, " \t");
		put_n(out, outsz, &j, pw, strlen(pw));
		return;
	}
	put_n(out, outsz, &j, value, strlen(value));
}

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->db_url = config_str("db");
	cfg->read_url = config_str("db.read_url");
	cfg->listen = config_str("http.listen");
	cfg->var_dir = config_str("var");
	cfg->static_dir = config_str("http.static_dir");
	cfg->public_url = config_str("http.public_url");
	if (cfg->public_url[0] == '\0')
		cfg->public_url = "http://127.0.0.1:8080";
	cfg->secure_cookies = config_bool("http.secure_cookies");
	cfg->session_idle_s = (int)config_int("session.idle_seconds");
	cfg->session_absolute_s = (int)config_int("session.absolute_seconds");
	cfg->login_max_failures = (int)config_int("login.max_failures");
	cfg->login_lock_s = (int)config_int("login.lock_seconds");
	cfg->login_account_max_failures =
	    (int)config_int("login.account_max_failures");
	cfg->login_address_max_failures =
	    (int)config_int("login.address_max_failures");
	cfg->login_delay_s = (int)config_int("login.delay_seconds");
}
