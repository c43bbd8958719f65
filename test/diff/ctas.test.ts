// Differential run of test/sql/ctas.sql: every block on PostgreSQL and on the engine under test.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('ctas.sql');
