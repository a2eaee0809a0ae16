-- Revision ID: 3c4d5e6f7081
-- Revises: base
-- Message: unterminated things

-- retort:upgrade
INSERT INTO t VALUES ('never closed);
SELECT $tag$ open;
/* open comment
