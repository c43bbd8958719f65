// Differential run of test/sql/transaction_settings.sql: SET, SET LOCAL and set_config inside blocks.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('transaction_settings.sql');
