#include "service/platform/platform.h"

#include <stdio.h>
#include <string.h>

static const struct {
	unsigned bit;
	const char *name;
	const char *label;
} roles[] = {
	{ ROLE_APPLICANT, "applicant", "申请人" },
	{ ROLE_CLERK, "clerk", "窗口人员" },
	{ ROLE_APPROVER, "approver", "审批人员" },
	{ ROLE_DEPT_ADMIN, "dept_admin", "部门管理员" },
	{ ROLE_HALL_ADMIN, "hall_admin", "大厅管理员" },
	{ ROLE_SUPERVISOR, "supervisor", "督查人员" },
	{ ROLE_SYSADMIN, "sysadmin", "系统管理员" },
};

bool
ctx_stopping(const struct ctx *c)
{
	return c != NULL && c->stop != NULL && atomic_load(c->stop);
}

bool
actor_has(const struct actor *a, unsigned mask)
{
	return a != NULL && (a->roles & mask) != 0;
}

bool
actor_is_applicant_of(const struct actor *a, int64_t created_by,
    const char *idno)
{
	if (a == NULL || (a->kind != ACTOR_PERSON &&
	    a->kind != ACTOR_ENTERPRISE))
		return false;
	if (created_by > 0 && created_by == a->user_id)
		return true;
	return a->realname >= REALNAME_VERIFIED && idno != NULL &&
	    idno[0] != '\0' && strcmp(a->login, idno) == 0;
}

const char *
actor_claim_idno(const struct actor *a)
{
	if (a == NULL || a->realname < REALNAME_VERIFIED ||
	    (a->kind != ACTOR_PERSON && a->kind != ACTOR_ENTERPRISE))
		return "";
	return a->login;
}

const char *
role_name(unsigned role)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].bit == role)
			return roles[i].name;
	return "";
}

const char *
role_label(unsigned role)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].bit == role)
			return roles[i].label;
	return "";
}

unsigned
role_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].name, name) == 0)
			return roles[i].bit;
	return 0;
}

void
actor_system(struct actor *a, const char *who)
{
	memset(a, 0, sizeof(*a));
	a->kind = ACTOR_SYSTEM;
	a->roles = ROLE_STAFF_ANY;
	snprintf(a->login, sizeof(a->login), "%s", who);
	snprintf(a->name, sizeof(a->name), "%s", who);
	snprintf(a->role_used, sizeof(a->role_used), "system");
}
