// Differential run of test/sql/cursors.sql: every block on PostgreSQL and on the engine under test.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('cursors.sql');
