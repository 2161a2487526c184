/* stationing.h - the hall's rules of stationing (三集中三到位, the notice
 * 白政办发〔2024〕1号) as pure functions. No I/O.
 *
 * A department is stationed in one of three modes: full 成建制进驻 (its
 * staff accept its items at its own windows in the hall), delegated
 * 委托综合窗口受理 (the comprehensive windows accept for it; it has no
 * window of its own accepting its items), none (not stationed; an approved
 * reason is recorded). Where an application is received follows from the
 * item and the department: an item stationed in the hall of a stationed
 * department is received only at a hall window that carries it (不得在大厅
 * 窗口之外受理); any other item keeps the department's own acceptance.
 *
 * What a department's items' acceptance actually looks like (the facts
 * below, counted by the hall service) is checked against its mode; each
 * contradiction is one flag with a Chinese text. Every department with
 * approval items names a responsible person (明确责任人员), a staff account
 * that is active. */
#ifndef ONETRIP_CORE_STATIONING_H
#define ONETRIP_CORE_STATIONING_H

#include <stdbool.h>
#include <stddef.h>

enum stationing_mode {
	STATIONING_NONE = 0,
	STATIONING_FULL,
	STATIONING_DELEGATED,
};

/* "full" | "delegated" | "none" -> the mode; -1 for anything else. */
int stationing_mode_parse(const char *s);
const char *stationing_mode_label(enum stationing_mode m); /* 成建制进驻 ... */

enum acceptance_place {
	ACCEPT_AT_HALL_WINDOW,   /* a hall window carrying the item */
	ACCEPT_BY_DEPARTMENT,    /* the department's own acceptance */
};

/* Where an (online) application of an item is received. */
enum acceptance_place stationing_acceptance_place(bool item_stationed,
    enum stationing_mode dept_mode);

/* What the hall knows about one department (counts of published items). */
struct stationing_facts {
	enum stationing_mode mode;
	bool has_reason;          /* not_stationed_reason written */
	int items;                /* published items (approval items) */
	int stationed_items;      /* of those, stationed in the hall */
	int own_window_items;     /* stationed items carried by its own windows */
	int comprehensive_items;  /* stationed items carried by a comprehensive window */
	int uncarried_items;      /* stationed items no active window carries */
	bool has_responsible;     /* responsible person is an active staff account */
};

enum stationing_flag {
	STATIONING_FLAG_NO_REASON = 1u << 0,        /* none without a reason */
	STATIONING_FLAG_DELEGATED_OWN = 1u << 1,    /* delegated, own window accepts */
	STATIONING_FLAG_DELEGATED_NOT_COMP = 1u << 2, /* delegated, not at comprehensive */
	STATIONING_FLAG_FULL_NOT_OWN = 1u << 3,     /* full, items not at own windows */
	STATIONING_FLAG_NONE_STATIONED = 1u << 4,   /* none, items marked stationed */
	STATIONING_FLAG_UNCARRIED = 1u << 5,        /* stationed items nowhere accepted */
	STATIONING_FLAG_NO_RESPONSIBLE = 1u << 6,   /* approval items, no responsible */
};
#define STATIONING_FLAG_COUNT 7

/* The flags of a department (0: consistent with its mode). */
unsigned stationing_flags(const struct stationing_facts *f);
/* The flag's code ("delegated_own_window") and Chinese text; NULL for a
 * value that is not one flag. */
const char *stationing_flag_code(unsigned flag);
const char *stationing_flag_text(unsigned flag);

#endif
