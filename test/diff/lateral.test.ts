// Differential run of test/sql/lateral.sql: every block on PostgreSQL and on the engine under test.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('lateral.sql');
