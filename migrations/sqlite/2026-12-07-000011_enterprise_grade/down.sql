DROP TRIGGER enterprise_grade_on_unscore;
DROP TRIGGER enterprise_grade_on_regrade;
DROP TRIGGER enterprise_grade_on_score;
DROP INDEX enterprises_grade_region;
ALTER TABLE enterprises DROP COLUMN current_grade;
