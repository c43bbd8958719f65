// Differential run of test/sql/tpch.sql: the 22 TPC-H queries on PostgreSQL and on the engine under test.
import { defineSqlFileSuite } from '../support/diff-suite.js';

defineSqlFileSuite('tpch.sql');
