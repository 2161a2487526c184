-- 082_calendar_years.sql - the years whose whole holiday schedule the hall
-- loaded (onetrip calendar load, POST /api/calendar/years/:year), kept apart
-- from single edits in calendar_overrides: a deadline into a year is
-- provisional until its schedule is loaded (or embedded in the binary),
-- whatever days of that year the hall edited by hand.
CREATE TABLE calendar_years (
	year INTEGER PRIMARY KEY,
	loaded_by {{BIGINT}},
	loaded_at {{BIGINT}} NOT NULL
);

-- Years loaded before this table existed: a whole schedule has dozens of
-- rest days, a hand edit a few.
INSERT INTO calendar_years (year, loaded_at)
SELECT CAST(substr(day, 1, 4) AS INTEGER), 0 FROM calendar_overrides
WHERE kind = 'off' GROUP BY substr(day, 1, 4) HAVING COUNT(*) >= 10;
