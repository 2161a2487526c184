-- 090_projects.sql - construction projects (service/project): the project,
-- its steward (项目管家) and the liaisons (联络员) of the departments, the
-- stage lists (which published 一件事 bundle serves a stage of a project
-- type, kept by the hall admin) and the stage applications (a 一件事
-- application of the stage's bundle: one form, one material list, one
-- acceptance, the departments' cases in parallel).

-- type: gov (政府投资), social (社会投资), small (小型社会投资).
-- investment in 万元. target_days: the target in working days set when the
-- project was registered (project.target_days_<type>).
CREATE TABLE projects (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	owner_name TEXT NOT NULL,
	owner_credit_code TEXT NOT NULL,
	type TEXT NOT NULL CHECK (type IN ('gov', 'social', 'small')),
	location TEXT NOT NULL,
	investment {{BIGINT}} NOT NULL DEFAULT 0,
	key_project INTEGER NOT NULL DEFAULT 0,
	target_days INTEGER NOT NULL,
	steward_id {{BIGINT}} REFERENCES users (id),
	status TEXT NOT NULL DEFAULT 'active'
	    CHECK (status IN ('active', 'completed')),
	created_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX projects_owner ON projects (owner_credit_code, id);
CREATE INDEX projects_steward ON projects (steward_id, id);

-- One liaison (联络员) per department involved in a project (多对一).
CREATE TABLE project_liaisons (
	project_id {{BIGINT}} NOT NULL REFERENCES projects (id),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	user_id {{BIGINT}} NOT NULL REFERENCES users (id),
	assigned_at {{BIGINT}} NOT NULL,
	PRIMARY KEY (project_id, dept_id)
);

CREATE INDEX project_liaisons_user ON project_liaisons (user_id);

-- The stage lists: the published bundle whose items a stage of a type
-- needs (one row per type and stage the type has).
CREATE TABLE project_stage_defs (
	type TEXT NOT NULL CHECK (type IN ('gov', 'social', 'small')),
	stage INTEGER NOT NULL CHECK (stage BETWEEN 1 AND 4),
	bundle_id {{BIGINT}} NOT NULL REFERENCES bundles (id),
	updated_by {{BIGINT}} NOT NULL DEFAULT 0,
	updated_at {{BIGINT}} NOT NULL,
	PRIMARY KEY (type, stage)
);

-- A stage application: the bundle application it is (bundle_cases.id).
-- A stage has at most one application that is not ended, rejected or
-- withdrawn (checked by the service under the project's lock).
CREATE TABLE project_stage_apps (
	id {{ID}},
	project_id {{BIGINT}} NOT NULL REFERENCES projects (id),
	stage INTEGER NOT NULL CHECK (stage BETWEEN 1 AND 4),
	bundle_case_id {{BIGINT}} NOT NULL UNIQUE REFERENCES bundle_cases (id),
	created_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL
);

CREATE INDEX project_stage_apps_project ON project_stage_apps (project_id,
    stage, id);
