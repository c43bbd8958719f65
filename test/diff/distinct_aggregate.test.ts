// Differential run of test/sql/distinct_aggregate.sql: DISTINCT and DISTINCT aggregates planned as
// hash aggregates, on the coordinator and in the data engines.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('distinct_aggregate.sql');
