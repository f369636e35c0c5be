-- Up Migration
-- Sessions are stored by the SHA-256 (hex) of the token in the cookie, no longer by the token itself. Hashing the
-- existing ids the same way keeps every signed-in browser signed in: its cookie still holds the old id, whose hash is
-- now the stored id.
update user_sessions set id = encode(sha256(convert_to(id, 'UTF8')), 'hex');

-- Down Migration
-- A hash cannot be turned back into its token: going down ends every session.
delete from user_sessions;
