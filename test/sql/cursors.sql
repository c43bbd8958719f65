-- Cursors: DECLARE … CURSOR [WITH HOLD] FOR query, FETCH / MOVE forward, CLOSE, and how they end
-- with their transaction block (drivers' server-side cursors, e.g. psycopg2's named cursors).

-- statement
CREATE TABLE cursors_t (id int PRIMARY KEY, grp text, v int)

-- statement
INSERT INTO cursors_t SELECT g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'g' || (g % 4) END, g * 7 % 11 FROM generate_series(1, 40) AS g

-- error 25P01
DECLARE cursors_c CURSOR FOR SELECT id FROM cursors_t

-- statement
BEGIN

-- statement
DECLARE cursors_c CURSOR FOR SELECT id, grp, v FROM cursors_t WHERE v > 2 ORDER BY v DESC, id

-- query
FETCH 5 FROM cursors_c

-- query
FETCH NEXT FROM cursors_c

-- query
FETCH cursors_c

-- statement
MOVE 3 IN cursors_c

-- query
FETCH FORWARD 4 FROM cursors_c

-- query
FETCH ALL FROM cursors_c

-- query
FETCH 2 FROM cursors_c

-- statement
MOVE ALL IN cursors_c

-- error 42P03
DECLARE cursors_c CURSOR FOR SELECT 1

-- statement
ROLLBACK

-- statement
BEGIN

-- error 34000
FETCH cursors_c

-- statement
ROLLBACK

-- statement
BEGIN

-- statement
INSERT INTO cursors_t VALUES (100, 'own', 1)

-- statement
DECLARE cursors_own CURSOR FOR SELECT id, grp FROM cursors_t WHERE id >= 39 ORDER BY id

-- statement
DECLARE cursors_agg CURSOR FOR SELECT grp, count(*) AS n, sum(v) AS s FROM cursors_t GROUP BY grp ORDER BY grp NULLS FIRST

-- statement
DECLARE cursors_empty CURSOR FOR SELECT id FROM cursors_t WHERE id < 0

-- query
FETCH ALL FROM cursors_own

-- query
FETCH 2 FROM cursors_agg

-- query
FETCH 10 FROM cursors_agg

-- query
FETCH 3 FROM cursors_empty

-- statement
CLOSE cursors_own

-- error 34000
FETCH cursors_own

-- statement
ROLLBACK

-- statement
BEGIN

-- statement
DECLARE cursors_h CURSOR WITH HOLD FOR SELECT id, v FROM cursors_t WHERE id <= 6 ORDER BY id

-- statement
DECLARE cursors_nohold CURSOR FOR SELECT 1 AS one

-- query
FETCH 2 FROM cursors_h

-- statement
COMMIT

-- query
FETCH 2 FROM cursors_h

-- error 34000
FETCH cursors_nohold

-- statement
CLOSE cursors_h

-- error 34000
CLOSE cursors_h

-- statement
DECLARE cursors_h2 CURSOR WITH HOLD FOR SELECT id FROM cursors_t WHERE id IN (1, 2) ORDER BY id

-- query
FETCH ALL FROM cursors_h2

-- statement
BEGIN

-- statement
DECLARE cursors_h3 CURSOR WITH HOLD FOR SELECT 3 AS three

-- statement
ROLLBACK

-- error 34000
FETCH cursors_h3

-- statement
CLOSE ALL

-- error 34000
FETCH cursors_h2

-- statement
BEGIN

-- error 42703
DECLARE cursors_bad CURSOR FOR SELECT no_such_column FROM cursors_t

-- statement
ROLLBACK

-- statement
BEGIN

-- error 22012
DECLARE cursors_zero CURSOR FOR SELECT id FROM cursors_t WHERE id = 1 / 0

-- statement
ROLLBACK

-- statement
DROP TABLE cursors_t
