DROP TABLE list_entries;
