-- 033_responsible.sql - the responsible person of a department (明确责任人员,
-- docs/rules.md) is a staff account, not a typed name: every department
-- with approval items names one, reachable in the system (an active staff
-- account of the department). responsible_person and responsible_phone
-- stay as the account's name and mobile when it is set (service/hall).
--
-- Existing data: a typed name becomes the staff account of the department
-- with that name when there is exactly one; otherwise the department is
-- left without one and the hall's department page flags it.
ALTER TABLE departments ADD COLUMN responsible_user_id {{BIGINT}}
    REFERENCES users (id);

UPDATE departments SET responsible_user_id = (SELECT MIN(u.id) FROM users u
    WHERE u.kind = 'S' AND u.dept_id = departments.id AND
    u.name = departments.responsible_person)
WHERE responsible_person <> '' AND (SELECT COUNT(*) FROM users u WHERE
    u.kind = 'S' AND u.dept_id = departments.id AND
    u.name = departments.responsible_person) = 1;
