-- 120_forms.sql - the electronic form (电子表单) of a case: the form values
-- stay in cases.form (JSON, checked against the item version's
-- "form_fields", core/form.h); the applicant's commitment (申请人承诺) ticked
-- on the apply page is kept here as the text signed and when.

ALTER TABLE cases ADD COLUMN pledge_text TEXT;
ALTER TABLE cases ADD COLUMN pledged_at {{BIGINT}};
