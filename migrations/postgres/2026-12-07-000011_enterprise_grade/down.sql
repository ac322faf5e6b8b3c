DROP TRIGGER enterprise_grade_follow ON current_scores;
DROP FUNCTION enterprise_grade_follow();
DROP INDEX enterprises_grade_region;
ALTER TABLE enterprises DROP COLUMN current_grade;
