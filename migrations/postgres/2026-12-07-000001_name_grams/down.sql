DROP TRIGGER enterprise_name_grams_on_delete ON enterprises;
DROP TRIGGER enterprise_name_grams_on_rename ON enterprises;
DROP TRIGGER enterprise_name_grams_on_insert ON enterprises;
DROP FUNCTION enterprise_name_grams_refresh();
DROP TABLE enterprise_name_grams;
DROP FUNCTION enterprise_name_grams_of(TEXT);
