DROP TABLE watch_items;
DROP TABLE report_queries;
DROP TABLE reports;
DROP TABLE authorizations;
