DROP INDEX enterprises_industry;
CREATE INDEX enterprises_industry ON enterprises (industry);
DROP INDEX enterprises_region;
CREATE INDEX enterprises_region ON enterprises (region_code);
ALTER TABLE current_scores DROP COLUMN previous_grade;
