-- SET inside transaction blocks (PostgreSQL's GUC rules): ROLLBACK undoes the block's SETs,
-- ROLLBACK TO undoes those after the savepoint, COMMIT keeps SET and drops SET LOCAL and
-- set_config(…, true); SET LOCAL outside a block changes nothing.

-- statement
SET myapp.mode = 'before'

-- statement
BEGIN

-- statement
SET myapp.mode = 'inside'

-- query
SELECT current_setting('myapp.mode')

-- statement
ROLLBACK

-- query
SELECT current_setting('myapp.mode')

-- statement
BEGIN

-- statement
SET myapp.mode = 'committed'

-- statement
SET LOCAL myapp.level = 'local'

-- query
SELECT current_setting('myapp.mode'), current_setting('myapp.level')

-- statement
COMMIT

-- query
SELECT current_setting('myapp.mode'), current_setting('myapp.level', true)

-- statement
SET myapp.level = 'session'

-- statement
BEGIN

-- statement
SET myapp.mode = 'first'

-- statement
SAVEPOINT a

-- statement
SET myapp.mode = 'second'

-- query
SELECT set_config('myapp.level', 'transaction only', true)

-- query
SELECT current_setting('myapp.mode'), current_setting('myapp.level')

-- statement
ROLLBACK TO SAVEPOINT a

-- query
SELECT current_setting('myapp.mode'), current_setting('myapp.level')

-- statement
SET myapp.mode = 'third'

-- statement
RELEASE SAVEPOINT a

-- statement
COMMIT

-- query
SELECT current_setting('myapp.mode'), current_setting('myapp.level')

-- statement
BEGIN

-- statement
SET myapp.mode = 'failed block'

-- error 22012
SELECT 1 / 0

-- statement
COMMIT

-- query
SELECT current_setting('myapp.mode')

-- statement
BEGIN

-- statement
SET TRANSACTION ISOLATION LEVEL READ COMMITTED

-- statement
SET statement_timeout = 0

-- statement
ROLLBACK

-- query
SHOW statement_timeout

-- statement
SET LOCAL myapp.mode = 'outside a block'

-- query
SELECT current_setting('myapp.mode')

-- statement
RESET myapp.mode

-- statement
RESET myapp.level
