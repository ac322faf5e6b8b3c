-- Substring search of enterprise names through an index: every pair of adjacent characters of a
-- name (lower-cased in ASCII, as SQLite's lower() does, with chr(1) after the last character, so
-- a one-character search finds names that end with it) is a row. A search for "西湖茶" reads the
-- names that have both "西湖" and "湖茶" from the primary key, then checks them with LIKE; LIKE
-- '%…%' alone reads every row. Bigrams rather than pg_trgm's trigrams: Chinese names are
-- searched by two characters (城市, 品牌), and SQLite has the same table. A trigger keeps it in
-- step with every write of a name.
CREATE TABLE enterprise_name_grams (
    gram TEXT COLLATE "C" NOT NULL,
    enterprise_code TEXT NOT NULL,
    PRIMARY KEY (gram, enterprise_code)
);

CREATE FUNCTION enterprise_name_grams_of(name TEXT) RETURNS SETOF TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT substr(translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') || chr(1), i, 2)
    FROM generate_series(1, char_length(name)) AS i
$$;

INSERT INTO enterprise_name_grams (gram, enterprise_code)
    SELECT g, e.code FROM enterprises e, enterprise_name_grams_of(e.name) AS g
    ON CONFLICT DO NOTHING;

CREATE FUNCTION enterprise_name_grams_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM enterprise_name_grams WHERE enterprise_code = OLD.code;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO enterprise_name_grams (gram, enterprise_code)
            SELECT g, NEW.code FROM enterprise_name_grams_of(NEW.name) AS g
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER enterprise_name_grams_on_insert AFTER INSERT ON enterprises
    FOR EACH ROW EXECUTE FUNCTION enterprise_name_grams_refresh();
CREATE TRIGGER enterprise_name_grams_on_rename AFTER UPDATE OF name ON enterprises
    FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name)
    EXECUTE FUNCTION enterprise_name_grams_refresh();
CREATE TRIGGER enterprise_name_grams_on_delete AFTER DELETE ON enterprises
    FOR EACH ROW EXECUTE FUNCTION enterprise_name_grams_refresh();
