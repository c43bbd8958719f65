// Differential run of test/sql/formatting.sql: to_char, to_date and to_timestamp on PostgreSQL and on the engine under test.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('formatting.sql');
