// Differential run of test/sql/time_zones.sql: every block on PostgreSQL and on the engine under test.
// The file's SET TIME ZONE blocks run on both connections, so both engines always share the zone.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('time_zones.sql');
