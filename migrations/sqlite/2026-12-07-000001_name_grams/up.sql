-- Substring search of enterprise names through an index: every pair of adjacent characters of a
-- name (lower-cased in ASCII, with char(1) after the last character, so a one-character search
-- finds names that end with it) is a row. A search for "西湖茶" reads the names that have both
-- "西湖" and "湖茶" from the primary key, then checks them with LIKE; LIKE '%…%' alone reads
-- every row. Bigrams rather than trigrams: Chinese names are searched by two characters
-- (城市, 品牌). Triggers keep it in step with every write of a name.
CREATE TABLE name_gram_positions (i INTEGER PRIMARY KEY NOT NULL);
INSERT INTO name_gram_positions (i)
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
    SELECT i FROM n;

CREATE TABLE enterprise_name_grams (
    gram TEXT NOT NULL,
    enterprise_code TEXT NOT NULL,
    PRIMARY KEY (gram, enterprise_code)
) WITHOUT ROWID;

INSERT OR IGNORE INTO enterprise_name_grams (gram, enterprise_code)
    SELECT substr(lower(e.name) || char(1), p.i, 2), e.code
    FROM enterprises e JOIN name_gram_positions p ON p.i <= length(e.name);

CREATE TRIGGER enterprise_name_grams_on_insert AFTER INSERT ON enterprises BEGIN
    INSERT OR IGNORE INTO enterprise_name_grams (gram, enterprise_code)
        SELECT substr(lower(NEW.name) || char(1), p.i, 2), NEW.code
        FROM name_gram_positions p WHERE p.i <= length(NEW.name);
END;

CREATE TRIGGER enterprise_name_grams_on_rename AFTER UPDATE OF name ON enterprises
WHEN NEW.name IS NOT OLD.name BEGIN
    DELETE FROM enterprise_name_grams WHERE enterprise_code = OLD.code;
    INSERT OR IGNORE INTO enterprise_name_grams (gram, enterprise_code)
        SELECT substr(lower(NEW.name) || char(1), p.i, 2), NEW.code
        FROM name_gram_positions p WHERE p.i <= length(NEW.name);
END;

CREATE TRIGGER enterprise_name_grams_on_delete AFTER DELETE ON enterprises BEGIN
    DELETE FROM enterprise_name_grams WHERE enterprise_code = OLD.code;
END;
