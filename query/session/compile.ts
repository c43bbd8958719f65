// One parsed statement → a compiled statement: parameter types, result shape and a runner.

import { EonError } from '../../src/errors/index.js';
import { T, type ColumnType, type Value } from '../../src/types/index.js';
import type { Store } from '../../storage/index.js';
import type { WriteSet } from '../../storage/write-set.js';
import { StatementContext } from '../bind/context.js';
import { bindQuery } from '../bind/bind-select.js';
import { ExecContext, OperatorProfile } from '../execute/context.js';
import { drainAsync, runStatement } from '../execute/operators/drive.js';
import { optimize } from '../optimize/index.js';
import { asNode, baseName, nodeTag } from '../parse/ast.js';
import type { Statement } from '../parse/parser.js';
import { explainPlan } from '../plan/explain.js';
import type { Plan } from '../plan/logical.js';
import { bindDelete, bindInsert, bindUpdate } from '../statements/dml.js';
import { createTable, dropTable, type TableDdl } from '../statements/ddl.js';
import { createSequence, dropSequence } from '../statements/sequences.js';
import { compileCreateView, compileDropView } from '../statements/views.js';
import { compileCreateTableAs } from '../statements/create-table-as.js';
import { compileTruncate } from '../statements/truncate.js';
import { compileCreateIndex, compileDropIndex } from '../statements/indexes.js';
import { compileAlterTable, compileRename } from '../statements/alter-table.js';
import type { QueryResult, ResultColumn } from './contract.js';
import type { FragmentRunner } from '../distribute/index.js';
import { prefetchPointReads, type PointReads } from '../execute/point-reads.js';
import { readQuorumFor, type StatementQuorum } from '../execute/statement-quorum.js';
import { withSystemEnvironment, type SystemEnvironment } from '../catalog/index.js';
import type { RelationAccess } from '../bind/context.js';
import type { SessionSecurity } from './privileges.js';
import { guardDdl } from '../statements/ownership.js';
import { compileRoleStatement, isRoleStatement } from '../statements/role-dispatch.js';

export interface CompiledStatement {
  readonly paramTypes: readonly ColumnType[];
  readonly columns: readonly ResultColumn[] | null;
  /** Statements that change the catalog invalidate cached plans. */
  readonly changesCatalog: boolean;
  /** CREATE TABLE / DROP TABLE and the tables they name (a transaction block tracks them). */
  readonly tableChange?: { readonly kind: 'create' | 'drop'; readonly names: readonly string[] };
  /** Holds one session's values (system-table rows, its user, settings): never shared through the plan cache. */
  readonly sessionDependent?: boolean;
  /** Relations read or written, checked against the running session's role before each run (privileges.ts). */
  readonly accesses?: readonly RelationAccess[];
  /**
   * `writes`: the open transaction block's write set (its DML writes there; reads overlay it).
   * `stream`: a SELECT answers with a rowStream rather than rows (see ExecuteOptions.streamRows).
   * `quorum`: the session's eon.write_quorum and eon.read_quorum, for the statements that write
   * rows (INSERT, UPDATE, DELETE) or read them by primary key (SELECT); others ignore it.
   */
  run(params: readonly Value[], signal?: AbortSignal, writes?: WriteSet, stream?: boolean, quorum?: StatementQuorum): Promise<QueryResult>;
}

export interface EngineServices {
  readonly store: Store;
  readonly fragments: FragmentRunner;
  /** The per-statement memory budget in values (see QUERY_CELLS_MAX). */
  readonly cellsMax: number;
  /** Where CREATE and DROP TABLE go (the store alone, or the cluster catalog). */
  readonly ddl: TableDdl;
  /** The session's environment for system tables and session functions (absent: none resolve). */
  readonly system?: SystemEnvironment;
  /** The session's role (absent: no privilege checks). */
  readonly security?: SessionSecurity;
  /** Primary-key reads at the key's replicas (absent on a node alone: every read is local). */
  readonly pointReads?: PointReads;
}

/** Compiles a statement of kind 'query' or 'explain'; session-level statements are the session's. */
export function compileStatement(st: Statement, services: EngineServices, declared: readonly (ColumnType | undefined)[]): CompiledStatement {
  const compiled = withSystemEnvironment(services.system, () => (isRoleStatement(st) ? compileRoleStatement(st, services) : compileWithin(st, services, declared)));
  const result = guardDdl(st, services, compiled.result);
  // DDL checks the compiling session's role when it runs: such a statement is never shared.
  const sessionDependent = compiled.sessionDependent || (result.changesCatalog && services.security !== undefined);
  return sessionDependent ? { ...result, sessionDependent } : result;
}

function compileWithin(st: Statement, services: EngineServices, declared: readonly (ColumnType | undefined)[]): CompiledStatement {
  if (st.kind === 'explain') return compileExplain(st, services, declared);
  if (st.kind !== 'query') throw new EonError('internal_error', `statement kind ${st.kind} is handled by the session`);
  const ctx = new StatementContext(services.store, declared);
  const tag = nodeTag(st.ast);
  switch (tag) {
    case 'SelectStmt': {
      const into = asNode(st.ast, 'SelectStmt')!.intoClause;
      if (into !== undefined) {
        const { intoClause: _into, ...select } = asNode(st.ast, 'SelectStmt')!;
        return compileCreateTableAs({ into, query: { SelectStmt: select }, ifNotExists: false, selectInto: true }, services);
      }
      const plan = optimize(bindQuery(st.ast, ctx));
      return { ...selectStatement(plan, ctx, services), accesses: ctx.accesses };
    }
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt': {
      const dml =
        tag === 'InsertStmt' ? bindInsert(asNode(st.ast, 'InsertStmt')!, ctx) : tag === 'UpdateStmt' ? bindUpdate(asNode(st.ast, 'UpdateStmt')!, ctx) : bindDelete(asNode(st.ast, 'DeleteStmt')!, ctx);
      return {
        paramTypes: finalParamTypes(ctx),
        columns: dml.returning?.columns ?? null,
        changesCatalog: false,
        accesses: ctx.accesses,
        run: (params, signal, writes, _stream, quorum) =>
          dml.execute(services.store, params, signal, services.cellsMax, writes, quorum, {
            select: (plan) => executeSelect(plan, params, services, { signal, writes, quorum }),
            syncLocalReads: (plan, ctx) => services.fragments.syncLocalReads(plan, ctx),
          }),
      };
    }
    case 'CreateSeqStmt': {
      const seq = asNode(st.ast, 'CreateSeqStmt')!;
      const multiNode = (services.system?.cluster.view().members.length ?? 1) > 1;
      return sequenceUtility(() => createSequence(seq, services.store, multiNode));
    }
    case 'ViewStmt':
      return compileCreateView(asNode(st.ast, 'ViewStmt')!, st.text, services);
    case 'CreateTableAsStmt': {
      const ctas = asNode(st.ast, 'CreateTableAsStmt')!;
      if (ctas.objtype === 'OBJECT_MATVIEW') throw new EonError('feature_not_supported', 'CREATE MATERIALIZED VIEW is not supported yet');
      return compileCreateTableAs({ into: ctas.into ?? {}, query: ctas.query ?? { SelectStmt: {} }, ifNotExists: ctas.if_not_exists === true, selectInto: false }, services);
    }
    case 'TruncateStmt':
      return compileTruncate(asNode(st.ast, 'TruncateStmt')!, services);
    case 'AlterTableStmt':
      return compileAlterTable(asNode(st.ast, 'AlterTableStmt')!, st.text, services);
    case 'RenameStmt':
      return compileRename(asNode(st.ast, 'RenameStmt')!, services);
    case 'IndexStmt':
      return compileCreateIndex(asNode(st.ast, 'IndexStmt')!, services);
    case 'CreateStmt': {
      const create = asNode(st.ast, 'CreateStmt')!;
      // DEFAULT and CHECK expressions are bound when the statement runs: with the session's environment (current_user).
      return utility(() => withSystemEnvironment(services.system, () => createTable(create, ctx, services.store, services.ddl, st.text)).result, { kind: 'create', names: [create.relation?.relname ?? ''] });
    }
    case 'DropStmt': {
      const drop = asNode(st.ast, 'DropStmt')!;
      if (drop.removeType === 'OBJECT_SEQUENCE') return sequenceUtility(() => dropSequence(drop, services.store));
      if (drop.removeType === 'OBJECT_VIEW') return compileDropView(drop, services);
      if (drop.removeType === 'OBJECT_INDEX') return compileDropIndex(drop, services);
      if (drop.removeType !== 'OBJECT_TABLE') {
        throw new EonError('feature_not_supported', `DROP ${objectTypeName(drop.removeType)} is not supported yet`);
      }
      return utility(() => dropTable(drop, ctx, services.store, services.ddl), { kind: 'drop', names: (drop.objects ?? []).map((o) => baseName(asNode(o, 'List')?.items)) });
    }
    default:
      throw new EonError('feature_not_supported', `${tag} statements are not supported`);
  }
}

/** OBJECT_MATERIALIZED_VIEW → MATERIALIZED VIEW, as PostgreSQL's command names spell it. */
function objectTypeName(t: string | undefined): string {
  return (t ?? 'OBJECT_UNKNOWN').replace(/^OBJECT_/, '').replaceAll('_', ' ');
}

function utility(run: () => Promise<QueryResult>, tableChange: NonNullable<CompiledStatement['tableChange']>): CompiledStatement {
  return { paramTypes: [], columns: null, changesCatalog: true, tableChange, run: () => run() };
}

/** CREATE / DROP SEQUENCE: sequences are relations, so cached plans naming one are invalidated too. */
function sequenceUtility(run: () => QueryResult): CompiledStatement {
  return { paramTypes: [], columns: null, changesCatalog: true, run: async () => run() };
}

function finalParamTypes(ctx: StatementContext): ColumnType[] {
  // A parameter whose type nothing decided is text, as PostgreSQL resolves unknown.
  return ctx.params.map((t) => (t === undefined || t.kind === 'unknown' ? T.text : t));
}

function selectStatement(plan: Plan, ctx: StatementContext, services: EngineServices): CompiledStatement {
  const columns = plan.columns.map((c) => ({ name: c.name, type: c.type }));
  return {
    paramTypes: finalParamTypes(ctx),
    columns,
    changesCatalog: false,
    async run(params, signal, writes, stream, quorum) {
      const ctx = await startSelect(plan, params, services, { signal, writes, quorum });
      if (stream !== true) {
        const rows = await drainAsync(plan, ctx);
        return { command: 'SELECT', rowCount: rows.length, columns, rows };
      }
      const first = runStatement(plan, ctx, false);
      if (first.kind === 'rows') return { command: 'SELECT', rowCount: first.rows.length, columns, rows: first.rows };
      let rowCount = 0;
      async function* batches(stream: AsyncGenerator<Value[][], void, undefined>): AsyncGenerator<readonly Value[][], void, undefined> {
        // Not charged to the memory budget: the caller writes each batch out and keeps none.
        for await (const batch of stream) {
          rowCount += batch.length;
          yield batch;
        }
      }
      return {
        command: 'SELECT',
        rowCount: 0,
        columns,
        rows: [],
        rowStream: {
          batches: batches(first.batches),
          get rowCount() {
            return rowCount;
          },
        },
      };
    },
  };
}

/** How one run of a SELECT is bounded and observed (all optional). */
export interface SelectRun {
  readonly signal?: AbortSignal | undefined;
  readonly profile?: OperatorProfile | undefined;
  /** The transaction block's uncommitted writes, which its reads see. */
  readonly writes?: WriteSet | undefined;
  /** The statement's own R (eon.read_quorum) for its point reads. */
  readonly quorum?: StatementQuorum | undefined;
}

export async function executeSelect(plan: Plan, params: readonly Value[], services: EngineServices, run: SelectRun = {}): Promise<Value[][]> {
  return drainAsync(plan, await startSelect(plan, params, services, run));
}

/**
 * What runs before a SELECT's plan: its point reads at the replicas, and its fragments in the
 * data engines (those computed whole, and the exchanges that stream the others as the plan runs).
 */
async function startSelect(plan: Plan, params: readonly Value[], services: EngineServices, { signal, profile, writes, quorum }: SelectRun): Promise<ExecContext> {
  // Checked on a node alone too, so a statement fails the same way wherever it runs.
  const readQuorum = readQuorumFor(plan, quorum, (t) => services.store.getTable(t.name)?.id === t.id);
  const ctx = new ExecContext({
    store: services.store,
    writes,
    params,
    signal,
    cellsMax: services.cellsMax,
    quorum,
    ...(profile === undefined ? {} : { profile }),
  });
  // First, so a CTE the fragments run on the coordinator finds its point lookups' rows. A
  // transaction block reads its own node (and its own writes): its point lookups stay local. A
  // node alone (service inactive) does not even await: its point selects keep their speed.
  if (writes === undefined && services.pointReads?.active() === true) await prefetchPointReads(plan, ctx, services.pointReads, readQuorum);
  await services.fragments.prefetch(plan, ctx);
  ctx.resumeTimeZone();
  return ctx;
}

function compileExplain(st: Statement & { kind: 'explain' }, services: EngineServices, declared: readonly (ColumnType | undefined)[]): CompiledStatement {
  const inner = st.inner;
  if (inner.kind !== 'query' || nodeTag(inner.ast) !== 'SelectStmt') {
    throw new EonError('feature_not_supported', 'EXPLAIN supports SELECT statements only');
  }
  const ctx = new StatementContext(services.store, declared);
  const plan = optimize(bindQuery(inner.ast, ctx));
  const columns = [{ name: 'QUERY PLAN', type: T.text }];
  return {
    paramTypes: finalParamTypes(ctx),
    columns,
    changesCatalog: false,
    accesses: ctx.accesses,
    async run(params, signal, writes, _stream, quorum) {
      const partitions = services.store.partitions;
      const fragments = services.fragments.fragmentsOf(plan, writes === undefined ? undefined : (t) => writes.touches(t), quorum, params);
      let lines: string[];
      if (st.analyze) {
        const profile = new OperatorProfile();
        const started = process.hrtime.bigint();
        const rows = await executeSelect(plan, params, services, { signal, profile, writes, quorum });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        // Each fragment scan's tasks per node, beside the partitions its coverage plan gave each.
        const measured = new Map([...fragments].map(([p, info]) => [p, profile.nodes.has(p) ? { ...info, nodeWork: profile.nodes.get(p)! } : info]));
        lines = explainPlan(plan, partitions, measured, profile.stats);
        lines.push(`Execution: ${rows.length} rows in ${ms.toFixed(3)} ms`);
      } else {
        lines = explainPlan(plan, partitions, fragments);
      }
      return { command: 'EXPLAIN', rowCount: lines.length, columns, rows: lines.map((l) => [l]) };
    },
  };
}
