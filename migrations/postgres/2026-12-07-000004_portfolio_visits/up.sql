-- When each bank user last opened the portfolio watch page: the change feed highlights what
-- changed since then. One row per user, moved on at each visit.
CREATE TABLE portfolio_visits (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users (id),
    seen_at TIMESTAMP NOT NULL
);
