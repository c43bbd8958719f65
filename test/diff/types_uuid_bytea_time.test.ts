// Differential run of test/sql/types_uuid_bytea_time.sql: every block on PostgreSQL and on the engine under test.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('types_uuid_bytea_time.sql');
