DROP TABLE change_history;
DROP TABLE associations;
DROP TABLE sentiment_records;
DROP TABLE credit_events;
DROP TABLE operating_records;
DROP TABLE enterprises;
DROP TABLE users;
DROP TABLE organisations;
