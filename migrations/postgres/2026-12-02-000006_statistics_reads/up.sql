-- The published grade of each enterprise's score just before its current one, kept beside the
-- current score so that the grade statistics (how grades moved) are one GROUP BY over
-- current_scores instead of a correlated lookup into scores per enterprise.
ALTER TABLE current_scores ADD COLUMN previous_grade TEXT;

UPDATE current_scores SET previous_grade = (
    SELECT p.grade FROM scores p
    WHERE p.enterprise_code = current_scores.enterprise_code AND p.id < current_scores.score_id
    ORDER BY p.id DESC LIMIT 1
);

-- Region filters are code ranges; with the code in the index, joining the enterprises of a
-- region or an industry to their scores never reads the (wide) enterprise rows.
DROP INDEX enterprises_region;
CREATE INDEX enterprises_region ON enterprises (region_code, code);
DROP INDEX enterprises_industry;
CREATE INDEX enterprises_industry ON enterprises (industry, code);
