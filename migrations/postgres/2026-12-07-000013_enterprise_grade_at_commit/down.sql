DROP TRIGGER enterprise_grade_settle ON current_scores;
DROP FUNCTION enterprise_grade_settle();
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
