// Differential run of test/sql/recursive.sql: WITH RECURSIVE (working-table iteration, UNION and
// UNION ALL, type checks and the recursive-reference errors) on PostgreSQL and on the engine under test.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('recursive.sql');
