-- Console sessions, held server-side: the cookie carries a random 256-bit token, the table its
-- SHA-256 (a stolen table opens no session). A session names the account's token generation and
-- role at sign-in: disabling the account or changing its role ends it, like a bearer token.
-- It ends when idle for longer than the configured timeout (judged against last_seen_at).
CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    token_generation BIGINT NOT NULL,
    role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);

CREATE INDEX web_sessions_user ON web_sessions (user_id);
