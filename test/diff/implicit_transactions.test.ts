// Differential run of test/sql/implicit_transactions.sql: a multi-statement Query without BEGIN is one transaction.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('implicit_transactions.sql');
