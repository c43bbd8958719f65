// Differential run of test/sql/fragments.sql: aggregates that eon computes in its data engines.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('fragments.sql');
