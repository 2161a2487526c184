-- 143_case_ranges.sql - what stays cheap at ten million cases.
--
-- The cases closed in a period, latest first: the scoreboard's drill-down
-- from a number to the cases behind it (reform_case_list,
-- service/stats/cases.c) reads this range backwards and stops after its
-- page, whatever the period's size (at 10,000,000 cases a quarter holds
-- about 800,000 closed cases).
CREATE INDEX cases_closed ON cases (closed_at, id) WHERE closed_at IS NOT NULL;

-- The open cases in id order: the background passes (deadlines, time-outs,
-- 容缺 reminders, stalled and overdue cases) walk them in batches; without
-- it each batch read the primary key through every closed case before it.
CREATE INDEX cases_open ON cases (id) WHERE closed_at IS NULL;

-- The day the deadline pass last looked at a case (service/case/sweep.c).
-- A case's warning level changes with the date, or when the case or the
-- calendar changes (both recompute it and set '' again): the pass looks at
-- each open case once a day instead of every round.
ALTER TABLE cases ADD COLUMN swept_day TEXT NOT NULL DEFAULT '';
