// Differential run of test/sql/key_range.sql: every block on PostgreSQL and on the engine under test.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('key_range.sql');
