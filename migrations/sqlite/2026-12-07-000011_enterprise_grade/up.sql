-- The current grade kept on the enterprise row, beside its region, so that the keepers' search
-- by grade and region is one index range (issue 16's speed bar), not a probe per enterprise of
-- the grade. Triggers on current_scores keep it: every write of a current score, on any path.
ALTER TABLE enterprises ADD COLUMN current_grade TEXT;
UPDATE enterprises
SET current_grade = (SELECT s.grade FROM current_scores s WHERE s.enterprise_code = enterprises.code);
CREATE INDEX enterprises_grade_region ON enterprises (current_grade, region_code, name);

CREATE TRIGGER enterprise_grade_on_score AFTER INSERT ON current_scores BEGIN
    UPDATE enterprises SET current_grade = NEW.grade WHERE code = NEW.enterprise_code;
END;
CREATE TRIGGER enterprise_grade_on_regrade AFTER UPDATE OF grade ON current_scores BEGIN
    UPDATE enterprises SET current_grade = NEW.grade WHERE code = NEW.enterprise_code;
END;
CREATE TRIGGER enterprise_grade_on_unscore AFTER DELETE ON current_scores BEGIN
    UPDATE enterprises SET current_grade = NULL WHERE code = OLD.enterprise_code;
END;
