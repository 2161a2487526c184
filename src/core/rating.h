/* rating.h - the rules of 政务服务"好差评" (domain.md §1). Pure: no I/O.
 *
 * Levels (GB/T 39734, §1.2): 5 非常满意, 4 满意, 3 基本满意, 2 不满意,
 * 1 非常不满意; 2 and 1 are 差评 and open the bad-rating loop.
 *
 * Content dimensions are codes with labels: online 一事一评 (办事效率 501,
 * 办事指南精确度 502, 办事便捷度 503, 平台操作性 504) and on site 一次一评
 * (服务效率 510, 服务水平 511, 服务态度 512). The national 测评内容代码 table
 * is unconfirmed (§1.2); these codes are the county's and are sent as
 * evalDetail "501,502".
 *
 * Channels are the GB/T 39046 list as the provincial interfaces code it
 * (`pf`, §1.4): 1 PC端, 2 移动服务端, 3 二维码, 4 政务大厅平板电脑,
 * 5 政务大厅其他终端, 6 电话, 7 短信; 8 系统默认评价 is the county's code for a
 * default rating given when the applicant did not rate (not in the national
 * list; Zhejiang codes it 7).
 *
 * Who and when: only the case's applicant rates; "accept" (the acceptance
 * at a window, 一次一评) once the case is accepted, "result" (一事一评) once
 * the case is closed with a result; at most RATING_MAX_PER_CASE ratings per
 * case (a first rating and one follow-up, assessNumber 1 and 2).
 *
 * The loop of a bad rating (§1.3): verify 核实 -> (appeal 申诉复核) ->
 * rectify 整改 -> feedback 反馈 -> revisit 回访 -> supervise 监督 -> closed.
 * Each stage has a deadline in working days; a stage is yellow with at most
 * one working day left and red after its due day. */
#ifndef ONETRIP_CORE_RATING_H
#define ONETRIP_CORE_RATING_H

#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"

#define RATING_LEVEL_MIN 1
#define RATING_LEVEL_MAX 5
#define RATING_BAD_MAX 2          /* levels 1 and 2 are 差评 */
#define RATING_MAX_PER_CASE 2     /* first rating + one follow-up */
#define RATING_TEXT_CHARS 500     /* 文字评价 */
#define RATING_MAX_DIMS 8
#define RATING_CHANNEL_DEFAULT "8"

struct rating_code {
	const char *code;
	const char *label;
};

/* Chinese label of a level 1..5, NULL when out of range. */
const char *rating_level_label(int level);
/* True for 差评 (不满意, 非常不满意). */
bool rating_level_bad(int level);
/* The receiver's satisfaction code (GB/T 39046 满意度代码 n1) of a level:
 * an explicit table, "5" 非常满意 ... "1" 非常不满意; NULL out of range. */
const char *rating_level_code(int level);

/* The dimension table (online first, then on site), terminated by a
 * zeroed row; *online_n (may be NULL) is how many are online. */
const struct rating_code *rating_dims(int *online_n);
/* Label of a dimension code, NULL when unknown. */
const char *rating_dim_label(const char *code);
/* True when code is a dimension of the mode (online true: 501..504). */
bool rating_dim_online(const char *code);

/* The channel table, terminated by a zeroed row. */
const struct rating_code *rating_channels(void);
/* Label of a channel code, NULL when unknown. */
const char *rating_channel_label(const char *code);

/* What a rating rates. */
enum rating_step {
	RATING_STEP_NONE = 0,
	RATING_STEP_ACCEPT,   /* "accept": the acceptance at a window */
	RATING_STEP_RESULT,   /* "result": the case's result */
};
enum rating_step rating_step_parse(const char *s);
const char *rating_step_name(enum rating_step s);
const char *rating_step_label(enum rating_step s);

/* What the rules need to know about the case and the rater. */
struct rating_facts {
	bool is_applicant;    /* the actor is the case's applicant */
	bool accepted;        /* the case was accepted (受理) */
	bool closed;          /* the case is closed */
	bool has_result;      /* closed with a decision (办结, 不予许可, ...) */
	int count;            /* ratings already given for the case */
};

enum rating_refusal {
	RATING_OK = 0,
	RATING_NOT_APPLICANT,  /* only the applicant rates */
	RATING_BAD_STEP,       /* unknown step */
	RATING_NOT_ACCEPTED,   /* the acceptance has not happened */
	RATING_NO_RESULT,      /* the case has no result yet */
	RATING_TOO_MANY,       /* first rating and follow-up already given */
};
/* Whether the rater may rate step now. */
enum rating_refusal rating_may_rate(const struct rating_facts *f,
    enum rating_step step);
/* Chinese message of a refusal ("" for RATING_OK). */
const char *rating_refusal_message(enum rating_refusal r);

/* ---- the bad-rating loop ---- */

enum rating_stage {
	RATING_STAGE_NONE = 0,
	RATING_STAGE_VERIFY,     /* 核实 (department) */
	RATING_STAGE_APPEAL,     /* 申诉复核 (hall admin, through the queue) */
	RATING_STAGE_RECTIFY,    /* 整改 (department) */
	RATING_STAGE_FEEDBACK,   /* 反馈 (department) */
	RATING_STAGE_REVISIT,    /* 回访 (department) */
	RATING_STAGE_SUPERVISE,  /* 监督 (supervisor) */
	RATING_STAGE_CLOSED,
	RATING_STAGE__COUNT
};
enum rating_stage rating_stage_parse(const char *s);
const char *rating_stage_name(enum rating_stage s);
const char *rating_stage_label(enum rating_stage s);
/* The default deadline of a stage in working days (domain.md §1.3:
 * 核实 3, 整改 5 (Dezhou ≤5 for 整改反馈), 反馈 2, 回访 3, 监督 5,
 * 申诉复核 5); 0 for closed. The configuration overrides them. */
int rating_stage_default_days(enum rating_stage s);
/* The setting key of a stage's deadline ("rating.verify_days"), NULL when
 * none. */
const char *rating_stage_setting(enum rating_stage s);

/* The next stage after an action in stage s. action: "valid" (verify),
 * "claim" (verify -> appeal), "claim_accepted" (appeal -> closed),
 * "claim_refused" (appeal -> rectify), "rectify" (immediate/explain: ->
 * feedback; plan stays in rectify), "rectify_done" (rectify -> feedback),
 * "feedback", "revisit", "close" (supervise -> closed), "send_back"
 * (supervise -> rectify). RATING_STAGE_NONE when the action is not allowed
 * in s. */
enum rating_stage rating_stage_next(enum rating_stage s, const char *action);

/* Warning level of a stage due on due_day, as of today:
 * 0 on time, 1 yellow (at most one working day left), 2 red (today is
 * after due_day). cal may be NULL (weekends only). */
int rating_stage_warn(const struct calendar *cal, int32_t due_day,
    int32_t today);
/* "green", "yellow", "red". */
const char *rating_warn_name(int w);

/* Rectification kinds: "immediate" 立行立改, "plan" 限期整改, "explain"
 * 解释说明 (no legal basis). NULL label when unknown. */
const char *rating_rectify_label(const char *kind);

/* Appeal claims: "mistaken" 误评, "malicious" 恶意差评. */
const char *rating_claim_label(const char *kind);

#endif
