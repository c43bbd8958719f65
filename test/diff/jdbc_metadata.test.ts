// Differential run of test/sql/jdbc_metadata.sql: every block on PostgreSQL and on the engine under test.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('jdbc_metadata.sql');
