// DDL for a cluster: CREATE and DROP TABLE change one catalog document through the linearizable
// compare-and-set register (so two nodes never hand out the same name or id, and concurrent DDL
// is ordered), then every live member applies it before the statement returns; a node that was
// down or is new catches up from the register (at start and every CATALOG_SYNC_MS).
//
// Acceptors of the catalog key are the first CATALOG_ACCEPTORS_MAX members by join time, dead
// ones included (a majority of them must answer): that set only grows while it has fewer than
// five members, and any two majorities of successive sets meet. Replacing an acceptor that left
// is not handled yet (reconfiguration); see docs/ARCHITECTURE.md.

import { EonError } from '../../errors/index.js';
import type { IndexSchema, TableDefinition, TableSchema, ViewDefinition, ViewSchema } from '../../../storage/index.js';
import { replicationSettings } from '../../../storage/schema.js';
import { casAsync, consensusOutcomeError, readAsync } from '../consensus/index.js';
import type { ConsensusRegister } from '../consensus/index.js';
import type { RpcLogger } from '../rpc/index.js';
import type { PeerPool, PeerServer } from '../rpc/index.js';
import type { NodeId } from '../runtime.js';
import { generationOf } from '../../../storage/table-rewrite.js';
import { decodeCatalog, encodeCatalog, EMPTY_CATALOG, withTable, withoutTable, withView, withoutView } from './catalog-document.js';
import type { CatalogDocument } from './catalog-document.js';
import type { SecurityDocument } from '../../../storage/security.js';

export const CATALOG_KEY = 'catalog';
export const CATALOG_ACCEPTORS_MAX = 5;
/** How often a node reads the register to catch up with DDL it missed. */
export const CATALOG_SYNC_MS = 5_000;
/** How long DDL waits for the live members to apply it. */
export const CATALOG_APPLY_TIMEOUT_MS = 5_000;
/** Compare-and-set attempts when other DDL keeps moving the catalog. */
export const CATALOG_CHANGE_ATTEMPTS_MAX = 8;
export const CATALOG_APPLY_RPC = 'catalog.apply';

/** What the catalog needs of the node's storage (the Store). */
export interface LocalTables {
  getTable(name: string): TableSchema | undefined;
  listTables(): TableSchema[];
  checkDefinition(def: TableDefinition): TableSchema;
  createTable(def: TableDefinition): Promise<TableSchema>;
  dropTable(name: string): Promise<void>;
  getView(name: string): ViewSchema | undefined;
  listViews(): ViewSchema[];
  createView(def: ViewDefinition, options?: { readonly replace?: boolean }): Promise<ViewSchema>;
  dropView(name: string): Promise<void>;
  truncateTables(names: readonly string[]): Promise<void>;
  createIndex(table: string, index: Omit<IndexSchema, 'id'>): Promise<IndexSchema>;
  dropIndex(table: string, index: string): Promise<void>;
  alterTable(name: string, next: TableSchema): Promise<TableSchema>;
  security(): SecurityDocument;
  replaceSecurity(doc: SecurityDocument): void;
}

/** What the catalog needs of the node's membership. */
export interface CatalogMembership {
  readonly nodeId: NodeId;
  /** False while a node started with seeds has not heard back from any: it must not decide alone. */
  readonly joined: boolean;
  catalogAcceptors(max: number): NodeId[];
  upMembers(): NodeId[];
  addressOf(id: NodeId): string | undefined;
}

/** Where the node remembers the catalog version it applied last (survives restarts). */
export interface AppliedCatalogStore {
  load(): { version: number; doc: CatalogDocument } | undefined;
  save(applied: { version: number; doc: CatalogDocument }): void;
}

export interface ClusterCatalogOptions {
  readonly tables: LocalTables;
  readonly membership: CatalogMembership;
  readonly register: ConsensusRegister;
  readonly server: PeerServer;
  readonly pool: PeerPool;
  readonly applied: AppliedCatalogStore;
  readonly log: RpcLogger;
}

export class ClusterCatalog {
  private applied: { version: number; doc: CatalogDocument };
  private syncTimer: NodeJS.Timeout | null = null;
  /** Applying is serialized: DDL, the sync loop and broadcasts all funnel through it. */
  private applying: Promise<void> = Promise.resolve();
  /**
   * This node's DDL statements decide one at a time: two of them racing for the same register
   * version would only pre-empt each other's ballots (and under a stalled event loop run out of
   * time); other nodes' DDL still races through compare-and-set.
   */
  private changing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly o: ClusterCatalogOptions) {
    this.applied = o.applied.load() ?? { version: 0, doc: EMPTY_CATALOG };
    o.server.handle(CATALOG_APPLY_RPC, async (body) => {
      const b = body as { version?: unknown; catalog?: unknown };
      const doc = typeof b.catalog === 'string' ? decodeCatalog(b.catalog) : null;
      if (!Number.isSafeInteger(b.version) || doc === null) throw new EonError('protocol_violation', 'catalog.apply: malformed catalog');
      await this.apply(b.version as number, doc);
      return { version: this.applied.version };
    });
  }

  /** Starts catching up now and every CATALOG_SYNC_MS. */
  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.sync().catch((e: unknown) => this.o.log('debug', 'catalog sync failed', { error: e instanceof Error ? e.message : String(e) }));
      this.syncTimer = setTimeout(tick, CATALOG_SYNC_MS);
      this.syncTimer.unref();
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.syncTimer !== null) clearTimeout(this.syncTimer);
  }

  get version(): number {
    return this.applied.version;
  }

  getTable(name: string): TableSchema | undefined {
    return this.o.tables.getTable(name);
  }

  listTables(): TableSchema[] {
    return this.o.tables.listTables();
  }

  checkDefinition(def: TableDefinition): TableSchema {
    return this.o.tables.checkDefinition(def);
  }

  /** CREATE TABLE: decided in the register, applied here and on every live member before it returns. */
  async createTable(def: TableDefinition): Promise<TableSchema> {
    if ((def.indexes ?? []).length > 0) this.refuseIndexesWithOthers('UNIQUE constraints are');
    const schema = this.o.tables.checkDefinition(def);
    const { id: _unused, ...shape } = schema;
    let created: TableSchema | null = null;
    await this.change('CREATE TABLE', def.name, (doc) => {
      if (doc.tables.some((t) => t.name === def.name) || (doc.views ?? []).some((v) => v.name === def.name)) throw new EonError('duplicate_table', `relation "${def.name}" already exists`);
      // A table this node holds outside the catalog (made before it joined) keeps its id.
      const localMax = Math.max(0, ...this.o.tables.listTables().map((t) => t.id));
      const next = withTable(doc, shape, localMax + 1);
      created = next.table;
      return next.doc;
    });
    return this.o.tables.getTable(def.name) ?? created!;
  }

  /** DROP TABLE, decided and applied the same way. */
  async dropTable(name: string): Promise<void> {
    await this.change('DROP TABLE', name, (doc) => {
      if (!doc.tables.some((t) => t.name === name)) {
        // Only this node has it (made before it joined the cluster): drop it here alone.
        if (this.o.tables.getTable(name) !== undefined) return null;
        throw new EonError('undefined_table', `table "${name}" does not exist`);
      }
      return withoutTable(doc, name);
    });
    if (this.o.tables.getTable(name) !== undefined) await this.o.tables.dropTable(name);
  }

  /** CREATE [OR REPLACE] VIEW: the definition joins the catalog document like a table. */
  async createView(def: ViewDefinition, options: { readonly replace?: boolean } = {}): Promise<ViewSchema> {
    const { id: _unused, ...shape } = def;
    let created: ViewSchema | null = null;
    await this.change(options.replace === true ? 'CREATE OR REPLACE VIEW' : 'CREATE VIEW', def.name, (doc) => {
      const taken = doc.tables.some((t) => t.name === def.name) || (options.replace !== true && (doc.views ?? []).some((v) => v.name === def.name));
      if (taken) throw new EonError('duplicate_table', `relation "${def.name}" already exists`);
      const local = [...this.o.tables.listTables(), ...this.o.tables.listViews()];
      const next = withView(doc, shape, Math.max(0, ...local.map((t) => t.id)) + 1);
      created = next.view;
      return next.doc;
    });
    return this.o.tables.getView(def.name) ?? created!;
  }

  async dropView(name: string): Promise<void> {
    await this.change('DROP VIEW', name, (doc) => {
      if (!(doc.views ?? []).some((v) => v.name === name)) {
        if (this.o.tables.getView(name) !== undefined) return null;
        throw new EonError('undefined_table', `view "${name}" does not exist`);
      }
      return withoutView(doc, name);
    });
    if (this.o.tables.getView(name) !== undefined) await this.o.tables.dropView(name);
  }

  /**
   * ALTER TABLE: the table's new schema (same id, maybe a new name) replaces it in the catalog
   * document; every member applies it to its own rows (a rewrite when the layout changed). Built
   * against this node's schema: should the catalog hold another version of the table by then
   * (a concurrent ALTER elsewhere), the statement is refused and may be retried.
   */
  async alterTable(name: string, next: TableSchema): Promise<TableSchema> {
    const base = this.o.tables.getTable(name);
    let localOnly = false;
    await this.change('ALTER TABLE', name, (doc) => {
      const current = doc.tables.find((t) => t.name === name);
      if (current === undefined) {
        // Only this node has it (made before it joined the cluster): alter it here alone.
        if (base !== undefined) {
          localOnly = true;
          return null;
        }
        throw new EonError('undefined_table', `relation "${name}" does not exist`);
      }
      if (base === undefined || current.id !== next.id || canonical(current) !== canonical(base)) {
        throw new EonError('serialization_failure', `could not serialize access: table "${name}" was altered concurrently`, { hint: 'Retry the statement.' });
      }
      if (next.name !== name && (doc.tables.some((t) => t.name === next.name) || (doc.views ?? []).some((v) => v.name === next.name))) {
        throw new EonError('duplicate_table', `relation "${next.name}" already exists`);
      }
      return { ...doc, tables: doc.tables.map((t) => (t.id === next.id ? next : t)) };
    });
    if (localOnly) return this.o.tables.alterTable(name, next);
    return this.o.tables.getTable(next.name) ?? next;
  }

  /**
   * Roles and privileges ride in the catalog document: decided by compare-and-set like other DDL,
   * so every node authenticates every role. Until the first such change the register has none and
   * each node keeps its own (its bootstrap superuser); the first change starts from this node's.
   */
  async changeSecurity(what: string, edit: (doc: SecurityDocument) => SecurityDocument | null): Promise<void> {
    await this.change(what, '', (doc) => {
      const next = edit(doc.security ?? this.o.tables.security());
      return next === null ? null : { ...doc, security: next };
    });
  }

  /**
   * Indexes on a node alone: built here, then recorded in the catalog document (so a node that
   * joins later gets the table with them). With other members they are refused: a unique index
   * cannot be checked across partitions other nodes own, and the other members would have to build
   * the index over their replicas at the same point in their streams of replicated writes.
   */
  async createIndex(table: string, index: Omit<IndexSchema, 'id'>): Promise<IndexSchema> {
    this.refuseIndexesWithOthers(index.unique ? (index.constraint ? 'UNIQUE constraints are' : 'CREATE UNIQUE INDEX is') : 'CREATE INDEX is');
    const made = await this.o.tables.createIndex(table, index);
    await this.recordIndexes('CREATE INDEX', table);
    return made;
  }

  async dropIndex(table: string, index: string): Promise<void> {
    this.refuseIndexesWithOthers('DROP INDEX is');
    await this.o.tables.dropIndex(table, index);
    await this.recordIndexes('DROP INDEX', table);
  }

  private refuseIndexesWithOthers(what: string): void {
    const self = this.o.membership.nodeId;
    const others = new Set([...this.o.membership.upMembers(), ...this.o.membership.catalogAcceptors(CATALOG_ACCEPTORS_MAX)].filter((id) => id !== self));
    if (others.size > 0) {
      throw new EonError('feature_not_supported', `${what} not supported on a cluster of more than one node yet`, {
        detail: 'Uniqueness cannot be checked across partitions other nodes own, and replicas do not build indexes.',
      });
    }
  }

  /** Copies the local table's index list into the catalog document. */
  private async recordIndexes(what: string, table: string): Promise<void> {
    const local = this.o.tables.getTable(table);
    if (local === undefined) return;
    await this.change(what, table, (doc) => {
      const at = doc.tables.findIndex((t) => t.name === table && t.id === local.id);
      if (at < 0) return null;
      const { indexes: _old, ...rest } = doc.tables[at]!;
      const next: TableSchema = local.indexes !== undefined && local.indexes.length > 0 ? { ...rest, indexes: local.indexes } : rest;
      return { ...doc, tables: doc.tables.map((t, i) => (i === at ? next : t)) };
    });
  }

  /**
   * TRUNCATE on a node alone empties its store at once. With other members it is refused: every
   * replica would have to drop the table's rows at the same point in its stream of replicated
   * writes, and writes still in flight or held as hints for a down replica would bring rows back
   * (and anti-entropy would spread them again) — that needs a truncation point in the version
   * rule, which is not built.
   */
  async truncateTables(names: readonly string[]): Promise<void> {
    const self = this.o.membership.nodeId;
    const others = new Set([...this.o.membership.upMembers(), ...this.o.membership.catalogAcceptors(CATALOG_ACCEPTORS_MAX)].filter((id) => id !== self));
    if (others.size > 0) {
      throw new EonError('feature_not_supported', 'TRUNCATE is not supported on a cluster of more than one node yet', {
        hint: 'Use DELETE FROM, which replicates row by row.',
      });
    }
    await this.o.tables.truncateTables(names);
  }

  /**
   * Reads the catalog, lets `edit` derive the next document (null: nothing to decide), and writes it
   * by compare-and-set, retrying when other DDL got there first; then makes every live member apply it.
   */
  private change(what: string, name: string, edit: (doc: CatalogDocument) => CatalogDocument | null): Promise<void> {
    const run = this.changing.then(() => this.decide(what, name, edit));
    this.changing = run.catch(() => undefined);
    return run;
  }

  private async decide(what: string, name: string, edit: (doc: CatalogDocument) => CatalogDocument | null): Promise<void> {
    if (!this.o.membership.joined) {
      throw new EonError('cluster_not_joined', `${what} refused: this node has not joined its cluster yet`, {
        hint: 'It is still reaching the members given by --join (or those it remembers); retry in a moment.',
      });
    }
    for (let attempt = 0; attempt < CATALOG_CHANGE_ATTEMPTS_MAX; attempt++) {
      const acceptors = this.o.membership.catalogAcceptors(CATALOG_ACCEPTORS_MAX);
      const read = await readAsync(this.o.register, CATALOG_KEY, acceptors);
      const failed = consensusOutcomeError(read, `reading the cluster catalog for ${what}`);
      if (failed !== null) throw failed;
      if (read.kind !== 'current') throw new Error('catalog: unexpected read outcome');
      const current = decodeCatalog(read.current.value);
      if (current === null) throw new EonError('replica_data_corrupted', 'the cluster catalog in the register does not decode');
      await this.apply(read.current.version, current);
      const next = edit(current);
      if (next === null) return;
      const outcome = await casAsync(this.o.register, CATALOG_KEY, acceptors, read.current.version, encodeCatalog(next));
      if (outcome.kind === 'rejected') continue;
      const error = consensusOutcomeError(outcome, `${what} ${name}`);
      if (error !== null) throw error;
      if (outcome.kind !== 'applied') throw new Error('catalog: unexpected cas outcome');
      await this.apply(outcome.version, next);
      const missing = await this.broadcast(outcome.version, next);
      if (missing.length > 0) {
        throw new EonError('catalog_propagation_incomplete', `${what} ${name} is committed to the cluster catalog, but ${missing.join(', ')} did not apply it within ${CATALOG_APPLY_TIMEOUT_MS} ms`, {
          hint: `They catch up from the catalog within ${CATALOG_SYNC_MS} ms of being reachable; the statement need not be repeated.`,
        });
      }
      return;
    }
    throw new EonError('serialization_failure', `${what} ${name}: the cluster catalog kept changing under it (${CATALOG_CHANGE_ATTEMPTS_MAX} attempts); retry`);
  }

  /** Sends the catalog to every live member but this one; returns those that did not confirm it. */
  private async broadcast(version: number, doc: CatalogDocument): Promise<NodeId[]> {
    const self = this.o.membership.nodeId;
    const others = this.o.membership.upMembers().filter((id) => id !== self);
    const body = { version, catalog: encodeCatalog(doc) };
    const results = await Promise.all(
      others.map(async (id) => {
        const address = this.o.membership.addressOf(id);
        if (address === undefined) return id;
        try {
          const r = await this.o.pool.request(address, CATALOG_APPLY_RPC, body, { timeoutMs: CATALOG_APPLY_TIMEOUT_MS });
          const v = (r.body as { version?: unknown } | null)?.version;
          return typeof v === 'number' && v >= version ? null : id;
        } catch (e) {
          this.o.log('warn', 'catalog apply not confirmed', { member: id, version, error: e instanceof Error ? e.message : String(e) });
          return id;
        }
      }),
    );
    return results.filter((id): id is NodeId => id !== null);
  }

  /** Catches up: applies a newer catalog, or seeds an empty register with this node's tables. */
  async sync(): Promise<void> {
    if (!this.o.membership.joined) return;
    const acceptors = this.o.membership.catalogAcceptors(CATALOG_ACCEPTORS_MAX);
    const read = await readAsync(this.o.register, CATALOG_KEY, acceptors);
    if (read.kind !== 'current') return;
    const doc = decodeCatalog(read.current.value);
    if (doc === null) {
      this.o.log('error', 'the cluster catalog in the register does not decode', { version: read.current.version });
      return;
    }
    if (read.current.version > this.applied.version) {
      await this.apply(read.current.version, doc);
      return;
    }
    const local = this.o.tables.listTables();
    const localViews = this.o.tables.listViews();
    if (read.current.version === 0 && local.length + localViews.length > 0) {
      // A node that ran alone before there was a cluster catalog brings its tables and views into it.
      const nextTableId = Math.max(...[...local, ...localViews].map((t) => t.id)) + 1;
      const seeded: CatalogDocument = { format: doc.format, nextTableId, tables: local, ...(localViews.length === 0 ? {} : { views: localViews }) };
      const outcome = await casAsync(this.o.register, CATALOG_KEY, acceptors, 0, encodeCatalog(seeded));
      if (outcome.kind === 'applied') {
        this.o.log('info', 'seeded the cluster catalog with this node\'s tables', { tables: local.map((t) => t.name) });
        await this.apply(outcome.version, seeded);
      }
    }
  }

  /** Makes local storage match catalog `version` (if newer than what was applied), one apply at a time. */
  private apply(version: number, doc: CatalogDocument): Promise<void> {
    const run = this.applying.then(() => this.applyNow(version, doc));
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async applyNow(version: number, doc: CatalogDocument): Promise<void> {
    if (version <= this.applied.version) return;
    const tables = this.o.tables;
    const wanted = new Map(doc.tables.map((t) => [t.name, t]));
    const wantedViews = new Map((doc.views ?? []).map((v) => [v.name, v]));
    // Views first: a dropped table's views went with it.
    for (const old of this.applied.doc.views ?? []) {
      if (!wantedViews.has(old.name) && tables.getView(old.name)?.id === old.id) await tables.dropView(old.name);
    }
    const wantedIds = new Set(doc.tables.map((t) => t.id));
    // Dropped: in the catalog this node applied before, gone from the new one (not renamed).
    for (const old of this.applied.doc.tables) {
      if (!wanted.has(old.name) && !wantedIds.has(old.id) && tables.getTable(old.name)?.id === old.id) await tables.dropTable(old.name);
    }
    // Renamed (ALTER TABLE … RENAME TO): the local table of that id takes its new name first.
    for (const t of doc.tables) {
      const held = tables.listTables().find((l) => l.id === t.id && l.name !== t.name);
      if (held === undefined || tables.getTable(t.name) !== undefined) continue;
      try {
        await tables.alterTable(held.name, t);
      } catch (e) {
        this.o.log('error', 'cannot apply a catalog table rename here', { table: held.name, to: t.name, id: t.id, error: e instanceof Error ? e.message : String(e) });
      }
    }
    for (const t of doc.tables) {
      const local = tables.getTable(t.name);
      if (local !== undefined) {
        if (local.id !== t.id) this.o.log('error', 'a local table differs from the cluster catalog; keeping the local one', { table: t.name, localId: local.id, catalogId: t.id });
        else if (canonical(local) !== canonical(t)) {
          // Altered (ALTER TABLE): its rows are rewritten here when the layout changed. Indexes are
          // built here before the document records them: the local list stands unless the layout
          // moved (the ALTER then remapped their column ordinals).
          const { indexes: _doc, ...rest } = t;
          const indexes = generationOf(t) > generationOf(local) ? t.indexes : local.indexes;
          try {
            await tables.alterTable(t.name, indexes === undefined ? rest : { ...rest, indexes });
          } catch (e) {
            this.o.log('error', 'cannot apply a catalog table change here', { table: t.name, id: t.id, error: e instanceof Error ? e.message : String(e) });
          }
        }
        continue;
      }
      try {
        await tables.createTable({ name: t.name, columns: t.columns, primaryKey: t.primaryKey, distributionKey: t.distributionKey, id: t.id, ...(t.checks === undefined ? {} : { checks: t.checks }), ...(t.indexes === undefined ? {} : { indexes: t.indexes }), ...replicationSettings(t) });
      } catch (e) {
        this.o.log('error', 'cannot apply a catalog table here', { table: t.name, id: t.id, error: e instanceof Error ? e.message : String(e) });
      }
    }
    for (const v of doc.views ?? []) {
      const local = tables.getView(v.name);
      if (local !== undefined && local.id === v.id && local.query === v.query && JSON.stringify(local.columns) === JSON.stringify(v.columns)) continue;
      try {
        await tables.createView({ name: v.name, query: v.query, columns: v.columns, dependsOn: v.dependsOn, id: v.id }, { replace: local !== undefined });
      } catch (e) {
        this.o.log('error', 'cannot apply a catalog view here', { view: v.name, id: v.id, error: e instanceof Error ? e.message : String(e) });
      }
    }
    if (doc.security !== undefined && JSON.stringify(doc.security) !== JSON.stringify(tables.security())) tables.replaceSecurity(doc.security);
    this.applied = { version, doc };
    this.o.applied.save(this.applied);
  }
}

/**
 * What ALTER TABLE changes of a table's definition, as text with object keys sorted, so schemas
 * that went through JSON, msgpack and the store's own normalisation compare equal when they say
 * the same. Indexes are left out: CREATE INDEX records them in the document after building them.
 */
function canonical(t: TableSchema): string {
  const { id, name, columns, primaryKey, distributionKey, checks, generation, replicas, writeQuorum, readQuorum } = t;
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (typeof x !== 'object' || x === null) return x;
    return Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sort(v)]));
  };
  return JSON.stringify(sort({ id, name, columns, primaryKey, distributionKey, checks: checks ?? [], generation: generation ?? 0, replicas, writeQuorum, readQuorum }));
}
