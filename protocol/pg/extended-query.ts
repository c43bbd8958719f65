// The extended query protocol: named statements and portals, Parse/Bind/Describe/Execute/Close/Sync.

import { EonError } from '../../src/errors/index.js';
import { typeForOid, typeOid } from '../../src/types/index.js';
import type { ColumnType, Value } from '../../src/types/index.js';
import { parseBinary, parseText } from '../../src/types/text-io.js';
import type { CopyIn, PreparedStatement, QueryResult } from '../../query/session/contract.js';
import { writeCopyOut } from './copy-out.js';
import type { BindParam, FrontendMessage } from './frontend-messages.js';
import { utf8 } from './frontend-messages.js';
import type { QueryContext } from './query-context.js';
import { writeRows } from './query-context.js';
import { PORTALS_PER_CONNECTION_MAX, STATEMENTS_PER_CONNECTION_MAX } from './limits.js';
import { resolveResultFormats, writeRowDescription } from './row-encoding.js';
import { parseTimeZoneSetting, setSessionTimeZone } from '../../src/types/time-zone.js';
import {
  commandTag,
  writeBindComplete,
  writeCloseComplete,
  writeCommandComplete,
  writeEmptyQueryResponse,
  writeNoData,
  writeParameterDescription,
  writeParseComplete,
  writePortalSuspended,
} from './backend-messages.js';

interface Statement {
  readonly name: string;
  /** null for an empty query string, which PostgreSQL accepts and answers with EmptyQueryResponse. */
  readonly prepared: PreparedStatement | null;
}

interface Portal {
  readonly statement: Statement;
  readonly params: readonly Value[];
  /** One format per result column, or null when all are text. */
  readonly formats: readonly number[] | null;
  result: QueryResult | null;
  /** Next row to send when the portal was suspended by a row limit. */
  cursor: number;
  done: boolean;
}

type ExtendedMessage = Extract<
  FrontendMessage,
  { kind: 'parse' | 'bind' | 'describe' | 'execute' | 'close' | 'sync' }
>;

const EMPTY_QUERY = /^[\s;]*$/;
/** The command word query/session uses for an empty prepared statement (one of only comments). */
const EMPTY_COMMAND = 'EMPTY';

function statementLabel(name: string): string {
  return `prepared statement "${name}"`;
}

export class ExtendedQueryState {
  private readonly statements = new Map<string, Statement>();
  private readonly portals = new Map<string, Portal>();
  /** After an error, messages are discarded until Sync (PostgreSQL's recovery rule). */
  private skippingUntilSync = false;

  constructor(
    private readonly ctx: QueryContext,
    /** Execute of a COPY FROM STDIN: the connection enters copy-in mode with its sink. */
    private readonly startCopyIn: (sink: CopyIn) => void,
  ) {}

  get skipping(): boolean {
    return this.skippingUntilSync;
  }

  /** An error reported outside `handle` (e.g. invalid UTF-8 in a Parse) starts the same recovery. */
  failed(): void {
    this.skippingUntilSync = true;
  }

  /** Simple Query reuses the unnamed statement and portal, so it drops them as PostgreSQL does. */
  dropUnnamed(): void {
    this.statements.delete('');
    this.portals.delete('');
  }

  /** Handles one message; returns a promise only when the session had to be awaited. */
  handle(m: ExtendedMessage): Promise<void> | void {
    if (m.kind === 'sync') return this.sync();
    if (this.skippingUntilSync) return;
    try {
      const p = this.dispatch(m);
      if (p !== undefined) return p.catch((e: unknown) => this.fail(e));
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    this.ctx.reportError(e);
    this.skippingUntilSync = true;
  }

  private dispatch(m: Exclude<ExtendedMessage, { kind: 'sync' }>): Promise<void> | void {
    switch (m.kind) {
      case 'parse':
        return this.parse(m.name, m.sql, m.paramOids);
      case 'bind':
        return this.bind(m.portal, m.statement, m.params, m.resultFormats);
      case 'describe':
        return m.target === 'S' ? this.describeStatement(m.name) : this.describePortal(m.name);
      case 'execute':
        return this.execute(m.portal, m.maxRows);
      case 'close':
        if (m.target === 'S') this.statements.delete(m.name);
        else this.portals.delete(m.name);
        writeCloseComplete(this.ctx.writer);
        return;
      default: {
        const never: never = m;
        throw new EonError('internal_error', `unhandled message ${(never as { kind: string }).kind}`);
      }
    }
  }

  private sync(): void {
    this.skippingUntilSync = false;
    // Sync ends the implicit transaction, and portals live only as long as their transaction.
    if (this.ctx.session.transactionStatus === 'I') this.portals.clear();
    this.ctx.writeReady();
  }

  private async parse(name: string, sql: string, paramOids: readonly number[]): Promise<void> {
    if (name !== '' && this.statements.has(name)) {
      throw new EonError('duplicate_prepared_statement', `${statementLabel(name)} already exists`);
    }
    if (this.statements.size >= STATEMENTS_PER_CONNECTION_MAX && !this.statements.has(name)) {
      throw new EonError('program_limit_exceeded', `too many prepared statements (limit ${STATEMENTS_PER_CONNECTION_MAX})`);
    }
    const declared = paramOids.map((oid): ColumnType | undefined => {
      if (oid === 0) return undefined;
      const t = typeForOid(oid);
      if (t === undefined) throw new EonError('feature_not_supported', `parameter type with OID ${oid} is not supported`);
      return t;
    });
    const prepared = EMPTY_QUERY.test(sql) ? null : await this.ctx.session.prepare(sql, declared);
    this.statements.set(name, { name, prepared });
    writeParseComplete(this.ctx.writer);
  }

  private statement(name: string): Statement {
    const s = this.statements.get(name);
    if (s === undefined) throw new EonError('invalid_sql_statement_name', `${statementLabel(name)} does not exist`);
    return s;
  }

  private portal(name: string): Portal {
    const p = this.portals.get(name);
    if (p === undefined) throw new EonError('invalid_cursor_name', `portal "${name}" does not exist`);
    return p;
  }

  private bind(
    portalName: string,
    statementName: string,
    raw: readonly BindParam[],
    resultFormats: readonly number[],
  ): void {
    const statement = this.statement(statementName);
    if (portalName !== '' && this.portals.has(portalName)) {
      throw new EonError('duplicate_cursor', `portal "${portalName}" already exists`);
    }
    if (this.portals.size >= PORTALS_PER_CONNECTION_MAX && !this.portals.has(portalName)) {
      throw new EonError('program_limit_exceeded', `too many open portals (limit ${PORTALS_PER_CONNECTION_MAX})`);
    }
    const paramTypes = statement.prepared?.paramTypes ?? [];
    if (raw.length !== paramTypes.length) {
      throw new EonError(
        'invalid_parameter_count',
        `bind message supplies ${raw.length} parameters, but ${statementLabel(statementName)} requires ${paramTypes.length}`,
      );
    }
    // A timestamptz parameter without a zone is read in the session's zone.
    setSessionTimeZone(parseTimeZoneSetting(this.ctx.session.setting('TimeZone') ?? 'UTC'));
    const params = raw.map((p, i) => decodeParam(paramTypes[i] as ColumnType, p));
    const formats = resolveResultFormats(resultFormats, statement.prepared?.columns ?? null);
    this.portals.set(portalName, { statement, params, formats, result: null, cursor: 0, done: false });
    writeBindComplete(this.ctx.writer);
  }

  private describeStatement(name: string): void {
    const s = this.statement(name);
    const w = this.ctx.writer;
    writeParameterDescription(w, (s.prepared?.paramTypes ?? []).map(typeOid));
    const columns = s.prepared?.columns ?? null;
    if (columns === null) writeNoData(w);
    else writeRowDescription(w, columns, null); // formats are not known before Bind, so text is reported
  }

  private describePortal(name: string): void {
    const p = this.portal(name);
    const columns = p.statement.prepared?.columns ?? null;
    if (columns === null) writeNoData(this.ctx.writer);
    else writeRowDescription(this.ctx.writer, columns, p.formats);
  }

  private async execute(name: string, maxRows: number): Promise<void> {
    const portal = this.portal(name);
    const prepared = portal.statement.prepared;
    const w = this.ctx.writer;
    if (prepared === null) {
      writeEmptyQueryResponse(w);
      return;
    }
    if (portal.result === null) {
      const signal = this.ctx.beginQuery();
      let copyingIn = false;
      try {
        // Without a row limit the rows are written as the plan produces them (a portal a limit
        // suspends keeps its rows for the next Execute instead).
        const result = await prepared.execute(portal.params, { signal, copyOut: true, copyIn: true, streamRows: maxRows === 0 });
        portal.result = result;
        // COPY runs whole at its first Execute, whatever the row limit, as in PostgreSQL.
        if (result.copyIn !== undefined) {
          portal.done = true;
          copyingIn = true;
          this.startCopyIn(result.copyIn);
          return;
        }
        if (result.copyOut !== undefined) {
          portal.done = true;
          await writeCopyOut(this.ctx, result.copyOut, signal);
          writeCommandComplete(w, commandTag(result.command, result.rowCount));
          return;
        }
        if (result.rowStream !== undefined && result.columns !== null) {
          portal.done = true;
          const types = result.columns.map((c) => c.type);
          for await (const batch of result.rowStream.batches) await writeRows(this.ctx, types, batch, 0, batch.length, portal.formats);
          writeCommandComplete(w, commandTag(result.command, result.rowStream.rowCount));
          return;
        }
      } finally {
        // Copy-in mode ends the query itself (at CopyDone, CopyFail or an error).
        if (!copyingIn) this.ctx.endQuery();
      }
    }
    const result = portal.result;
    if (result.command === EMPTY_COMMAND) {
      // The engine's answer for a statement that is only comments.
      writeEmptyQueryResponse(w);
      portal.done = true;
      return;
    }
    if (portal.done || result.columns === null) {
      writeCommandComplete(w, commandTag(result.command, portal.done ? 0 : result.rowCount));
      portal.done = true;
      return;
    }
    const from = portal.cursor;
    const total = result.rows.length;
    const to = maxRows > 0 ? Math.min(total, from + maxRows) : total;
    const types = result.columns.map((c) => c.type);
    await writeRows(this.ctx, types, result.rows, from, to, portal.formats);
    portal.cursor = to;
    // Like PostgreSQL, a limit that is reached suspends the portal even when no row is left: the
    // executor cannot know, and drivers are written for that answer.
    if (maxRows > 0 && to - from === maxRows) {
      writePortalSuspended(w);
      return;
    }
    portal.done = true;
    // A SELECT's tag counts the rows of this Execute; other commands (… RETURNING) report what they changed.
    writeCommandComplete(w, commandTag(result.command, result.command === 'SELECT' ? to - from : result.rowCount));
  }
}

function decodeParam(type: ColumnType, p: BindParam): Value {
  if (p === null) return null;
  if (type.kind === 'unknown') return typeof p === 'string' ? p : utf8(Buffer.from(p.buffer, p.byteOffset, p.byteLength), 0, p.byteLength);
  return typeof p === 'string' ? parseText(type, p) : parseBinary(type, p);
}
