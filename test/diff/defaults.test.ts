// Differential run of test/sql/defaults.sql: column DEFAULTs, sequences and CHECK constraints.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('defaults.sql');
