// Differential run of test/sql/grouping.sql: grouping sets, grouping(), array_agg and the
// ordered-set aggregates on PostgreSQL and on the engine under test.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('grouping.sql');
