-- Time zones: SET TIME ZONE / SHOW / current_setting, timestamptz input and output in the session's
-- zone, casts through it, AT TIME ZONE, date_trunc and EXTRACT on wall time, interval arithmetic
-- across DST. Every block runs with the same session zone on both engines (the SETs below).

-- statement
SET TIME ZONE 'Europe/Paris'

-- query
SHOW timezone

-- query
SELECT current_setting('TimeZone') AS tz

-- query
SELECT timestamptz '2026-01-15 12:00:00+00' AS winter, timestamptz '2026-07-15 12:00:00+00' AS summer, timestamptz '2026-07-15 12:00:00.123456+00' AS frac

-- Spring forward in Paris (2026-03-29 02:00 → 03:00): a time in the gap reads with the offset before it.
-- query
SELECT '2026-03-29 01:59:59'::timestamptz AS before_gap, '2026-03-29 02:00'::timestamptz AS gap_start, '2026-03-29 02:30'::timestamptz AS in_gap, '2026-03-29 03:00'::timestamptz AS after_gap

-- Fall back (2026-10-25 03:00 → 02:00): an ambiguous time is the later (standard-time) instant.
-- query
SELECT '2026-10-25 01:59'::timestamptz AS a, '2026-10-25 02:00'::timestamptz AS b, '2026-10-25 02:30'::timestamptz AS c, '2026-10-25 03:00'::timestamptz AS d

-- query
SELECT timestamptz '2026-10-25 00:30:00+00' AS first_230, timestamptz '2026-10-25 01:30:00+00' AS second_230, timestamptz '2026-10-25 01:30:00+00' - timestamptz '2026-10-25 00:30:00+00' AS apart

-- query
SELECT '2026-01-01 12:00 America/New_York'::timestamptz AS ny, '2026-01-01 12:00 EST'::timestamptz AS est, '2026-01-01 12:00+02'::timestamptz AS plus2, '2026-01-01 12:00Z'::timestamptz AS zulu, '2026-01-01T12:00:00.5-05:30'::timestamptz AS minus530, '2026-01-01 12:00 +0530'::timestamptz AS compact, '2026-07-01 12:00 PDT'::timestamptz AS pdt, '2026-07-01 12:00 europe/paris'::timestamptz AS lower_name, '2026-01-01 12:00:00 GMT'::timestamptz AS gmt, '2026-01-01 12:00 UTC+3'::timestamptz AS posix

-- query
SELECT '2026-07-01 12:00 Asia/Kolkata'::timestamptz AS kolkata, '2026-07-01 12:00 Australia/Adelaide'::timestamptz AS adelaide, '2026-07-01 12:00 Asia/Kathmandu'::timestamptz AS kathmandu, '2026-07-01 12:00 America/St_Johns'::timestamptz AS st_johns

-- error 22023
SELECT '2026-01-01 12:00 Nope/Zone'::timestamptz

-- error 22007
SELECT '2026-01-01 12:00 XYZ'::timestamptz

-- Far past (local mean time before standard time) and far future.
-- query
SELECT timestamptz '1800-01-01 00:00:00+00' AS lmt, timestamptz '1911-03-11 00:00:00+00' AS paris_1911, timestamptz '0100-07-01 12:00:00+00 BC' AS bc, timestamptz '4000-07-01 12:00:00+00' AS y4000, '200000-01-01'::timestamptz AS far, timestamptz '280000-07-01 12:00:00+00' AS beyond_icu, timestamptz '290000-01-01 12:00:00+00' AS beyond_icu_winter

-- Casts through the session's zone.
-- query
SELECT (timestamptz '2026-03-28 23:30:00+00')::date AS d1, (timestamptz '2026-03-28 22:59:59+00')::date AS d2, (timestamptz '2026-03-29 01:30:00+00')::timestamp AS ts, (timestamp '2026-03-29 02:30')::timestamptz AS from_gap, (date '2026-03-29')::timestamptz AS midnight, (timestamptz '2026-07-01 12:00:00+00')::text AS txt

-- query
SELECT timestamp '2026-07-01 14:00' = timestamptz '2026-07-01 12:00:00+00' AS eq, date '2026-07-01' < timestamptz '2026-06-30 22:30:00+00' AS lt, timestamptz '2026-07-01 00:00:00+02' - timestamp '2026-06-30 00:00' AS diff

-- AT TIME ZONE both ways, timezone(), interval zones.
-- query
SELECT timestamp '2026-03-29 02:30' AT TIME ZONE 'Europe/Paris' AS a, timestamptz '2026-03-29 03:30+02' AT TIME ZONE 'America/New_York' AS b, timestamp '2026-01-01 12:00' AT TIME ZONE 'UTC+3' AS c, timestamp '2026-01-01 12:00' AT TIME ZONE '+03' AS d, timestamp '2026-01-01 12:00' AT TIME ZONE 'EST' AS e, timestamp '2026-01-01 12:00' AT TIME ZONE INTERVAL '+05:30' AS f, timezone('Asia/Tokyo', timestamptz '2026-01-01 00:00Z') AS g, timestamp '2026-07-01 12:00' AT TIME ZONE 'CEST' AS h, timestamptz '2026-07-01 12:00Z' AT TIME ZONE 'UTC' AS i

-- query
SELECT timezone('Australia/Sydney', timestamp '2026-04-05 02:30') AS sydney_overlap, timezone('Australia/Sydney', timestamp '2026-10-04 02:30') AS sydney_gap, timezone(INTERVAL '-03:30', timestamptz '2026-01-01 00:00Z') AS iv

-- error 22023
SELECT timestamp '2026-01-01 12:00' AT TIME ZONE 'Nope'

-- error 22023
SELECT timezone(INTERVAL '1 day', timestamp '2026-01-01')

-- Interval arithmetic: days and months keep wall time across DST; hours are elapsed time.
-- query
SELECT timestamptz '2026-03-28 12:00' + INTERVAL '1 day' AS plus_day, timestamptz '2026-03-28 12:00' + INTERVAL '24 hours' AS plus_24h, timestamptz '2026-03-29 12:00' - INTERVAL '1 day' AS minus_day, timestamptz '2026-02-28 02:30' + INTERVAL '1 month' AS plus_month, INTERVAL '1 day' + timestamptz '2026-10-24 02:30' AS into_overlap, timestamptz '2026-03-28 02:30' + INTERVAL '1 day' AS into_gap, timestamptz '2026-01-31 10:00' + INTERVAL '1 month 1 day 1 hour' AS mixed

-- query
SELECT timestamptz '2026-03-30 00:00' - timestamptz '2026-03-29 00:00' AS short_day, timestamptz '2026-10-26 00:00' - timestamptz '2026-10-25 00:00' AS long_day

-- date_trunc on wall time; the three-argument form names its zone.
-- query
SELECT date_trunc('day', timestamptz '2026-03-29 12:00') AS day, date_trunc('hour', timestamptz '2026-10-25 02:30+01') AS hour_std, date_trunc('hour', timestamptz '2026-10-25 02:30+02') AS hour_dst, date_trunc('month', timestamptz '2026-03-29 12:00') AS month, date_trunc('week', timestamptz '2026-03-29 12:00') AS week, date_trunc('year', timestamptz '2026-07-01') AS year, date_trunc('minute', timestamptz '2026-07-01 12:34:56.789') AS minute

-- query
SELECT date_trunc('day', timestamptz '2026-03-29 12:00', 'America/New_York') AS ny_day, date_trunc('month', timestamptz '2026-03-01 03:00+00', 'Asia/Tokyo') AS tokyo_month, date_trunc('hour', timestamptz '2026-07-01 12:34+00', 'Asia/Kolkata') AS kolkata_hour

-- EXTRACT on wall time; epoch is the instant's.
-- query
SELECT extract(timezone FROM timestamptz '2026-07-01 12:00') AS tz, extract(timezone_hour FROM timestamptz '2026-07-01') AS tzh, extract(timezone_minute FROM timestamptz '2026-07-01') AS tzm, extract(epoch FROM timestamptz '2026-07-01 12:00') AS epoch, extract(hour FROM timestamptz '2026-07-01 12:00Z') AS hour, date_part('day', timestamptz '2026-07-01 23:30Z') AS day, extract(timezone FROM timestamptz '2026-01-01') AS tz_winter, extract(dow FROM timestamptz '2026-07-04 23:30Z') AS dow

-- error 0A000
SELECT extract(timezone FROM timestamp '2026-07-01 12:00')

-- query
SELECT to_char(timestamptz '2026-07-01 12:00Z', 'YYYY-MM-DD HH24:MI:SS TZ OF') AS summer, to_char(timestamptz '2026-01-01 12:00Z', 'YYYY-MM-DD HH24:MI tz TZH:TZM') AS winter, to_timestamp('2026-07-01 12:00', 'YYYY-MM-DD HH24:MI') AS parsed

-- The clock in the zone.
-- query
SELECT now() = current_timestamp AS same, current_date = now()::date AS today, localtimestamp = now()::timestamp AS local, extract(timezone FROM now()) IN (3600, 7200) AS offset_ok

-- Stored values: the instant is kept; the zone only changes how it prints.
-- statement
CREATE TABLE time_zones_events (id int PRIMARY KEY, at timestamptz, note text)

-- statement
INSERT INTO time_zones_events VALUES (1, '2026-03-29 01:30', 'before gap'), (2, '2026-03-29 03:30', 'after gap'), (3, '2026-10-25 02:30', 'overlap'), (4, NULL, 'none'), (5, '2026-07-01 12:00 America/New_York', 'ny'), (6, '1900-01-01 00:00+00', 'old'), (7, '2026-12-31 23:30', 'new year')

-- query
SELECT id, at, at::date AS d, date_trunc('day', at) AS day, extract(hour FROM at) AS h, at + INTERVAL '1 day' AS next_day FROM time_zones_events ORDER BY id

-- query
SELECT at::date AS d, count(*) AS n FROM time_zones_events GROUP BY at::date ORDER BY d NULLS FIRST

-- query
SELECT id FROM time_zones_events WHERE at >= '2026-03-29' AND at < '2026-03-30' ORDER BY id

-- query
SELECT id FROM time_zones_events WHERE at::date = date '2027-01-01' OR at::date = date '2026-07-01' ORDER BY id

-- statement
UPDATE time_zones_events SET at = at + INTERVAL '1 month' WHERE id = 7

-- query
SELECT id, at FROM time_zones_events WHERE id = 7

-- Southern hemisphere: DST in the (northern) winter.
-- statement
SET TIME ZONE 'America/Sao_Paulo'

-- query
SELECT id, at FROM time_zones_events ORDER BY id

-- statement
SET TIME ZONE 'Australia/Sydney'

-- query
SELECT id, at, at::date AS d FROM time_zones_events ORDER BY id

-- query
SELECT '2026-04-05 02:30'::timestamptz AS overlap, '2026-10-04 02:30'::timestamptz AS gap, timestamptz '2026-04-04 12:00' + INTERVAL '1 day' AS over_change

-- Half-hour zones.
-- statement
SET TIME ZONE 'Asia/Kolkata'

-- query
SELECT id, at FROM time_zones_events ORDER BY id

-- statement
SET TIME ZONE 'Australia/Lord_Howe'

-- query
SELECT timestamptz '2026-07-01 12:00Z' AS winter, timestamptz '2026-01-01 12:00Z' AS summer, '2026-04-05 01:45'::timestamptz AS half_hour_overlap

-- America, with its own transition dates.
-- statement
SET timezone = 'America/New_York'

-- query
SELECT '2026-03-08 02:30'::timestamptz AS gap, '2026-11-01 01:30'::timestamptz AS overlap, timestamptz '2026-03-07 12:00' + INTERVAL '1 day' AS plus_day, timestamptz '2026-11-01 00:00' + INTERVAL '3 hours' AS plus_3h, date_trunc('day', timestamptz '2026-11-01 23:00') AS day

-- statement
SET timezone = 'America/Los_Angeles'

-- query
SELECT timestamptz '2026-07-04 00:00Z' AS a, timestamptz '1883-11-18 20:00Z' AS railroad_time, to_char(timestamptz '2026-07-04 00:00Z', 'TZ') AS abbr

-- Offsets: POSIX specs count hours WEST of Greenwich; numbers and intervals EAST.
-- statement
SET TIME ZONE 'UTC+3'

-- query
SELECT current_setting('TimeZone') AS tz, timestamptz '2026-01-01 12:00Z' AS t

-- statement
SET TIME ZONE '+05:30'

-- query
SELECT current_setting('TimeZone') AS tz, timestamptz '2026-01-01 12:00Z' AS t

-- statement
SET TIME ZONE -7

-- query
SELECT current_setting('TimeZone') AS tz, timestamptz '2026-01-01 12:00Z' AS t, extract(timezone FROM timestamptz '2026-01-01') AS secs

-- statement
SET TIME ZONE 5.5

-- query
SELECT current_setting('TimeZone') AS tz, timestamptz '2026-01-01 12:00Z' AS t

-- statement
SET TIME ZONE INTERVAL '+05:45' HOUR TO MINUTE

-- query
SELECT current_setting('TimeZone') AS tz, timestamptz '2026-01-01 12:00Z' AS t

-- statement
SET timezone TO 'Etc/GMT+3'

-- query
SELECT current_setting('TimeZone') AS tz, timestamptz '2026-01-01 12:00Z' AS t

-- statement
SET timezone = 'us/eastern'

-- query
SHOW timezone

-- error 22023
SET TIME ZONE 'Mars/Olympus_Mons'

-- error 22023
SET timezone = 'xyz'

-- A failed SET keeps the zone.
-- query
SELECT current_setting('TimeZone') AS tz

-- statement
SET TIME ZONE LOCAL

-- query
SELECT current_setting('TimeZone') AS tz, timestamptz '2026-07-01 12:00+02' AS t

-- statement
SET TIME ZONE 'Europe/London'

-- statement
SET TIME ZONE DEFAULT

-- query
SHOW TIME ZONE

-- statement
SET TIME ZONE 'Pacific/Auckland'

-- statement
RESET timezone

-- query
SELECT current_setting('TimeZone') AS tz, timestamptz '2026-07-01 12:00+02' AS t

-- statement
DROP TABLE time_zones_events

-- timestamp and date ignore a zone written after them, but it must be one.
-- query
SELECT '2026-01-01 12:00 Europe/Paris'::timestamp AS ts, '2026-01-01 EST'::date AS d, '2026-01-01 12:00+05'::timestamp AS offset_ignored

-- error 22007
SELECT '2026-01-01 foo'::timestamp

-- error 22007
SELECT '2026-01-01 foo'::date
