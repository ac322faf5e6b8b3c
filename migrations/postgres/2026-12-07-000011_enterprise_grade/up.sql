-- The current grade kept on the enterprise row, beside its region, so that the keepers' search
-- by grade and region is one index range (issue 16's speed bar), not a probe per enterprise of
-- the grade. A trigger on current_scores keeps it: every write of a current score, on any path.
ALTER TABLE enterprises ADD COLUMN current_grade TEXT;
UPDATE enterprises e SET current_grade = s.grade FROM current_scores s WHERE s.enterprise_code = e.code;
CREATE INDEX enterprises_grade_region ON enterprises (current_grade, region_code, name);

CREATE FUNCTION enterprise_grade_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE enterprises SET current_grade = NULL WHERE code = OLD.enterprise_code;
        RETURN OLD;
    END IF;
    UPDATE enterprises SET current_grade = NEW.grade WHERE code = NEW.enterprise_code;
    RETURN NEW;
END
$$;
CREATE TRIGGER enterprise_grade_follow AFTER INSERT OR DELETE OR UPDATE OF grade ON current_scores
    FOR EACH ROW EXECUTE FUNCTION enterprise_grade_follow();
