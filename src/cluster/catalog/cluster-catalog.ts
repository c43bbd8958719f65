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
import type { TableDefinition, TableSchema, ViewDefinition, ViewSchema } from '../../../storage/index.js';
import { casAsync, consensusOutcomeError, readAsync } from '../consensus/index.js';
import type { ConsensusRegister } from '../consensus/index.js';
import type { RpcLogger } from '../rpc/index.js';
import type { PeerPool, PeerServer } from '../rpc/index.js';
import type { NodeId } from '../runtime.js';
import { decodeCatalog, encodeCatalog, EMPTY_CATALOG, withTable, withoutTable, withView, withoutView } from './catalog-document.js';
import type { CatalogDocument } from './catalog-document.js';

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
    // Dropped: in the catalog this node applied before, gone from the new one.
    for (const old of this.applied.doc.tables) {
      if (!wanted.has(old.name) && tables.getTable(old.name)?.id === old.id) await tables.dropTable(old.name);
    }
    for (const t of doc.tables) {
      const local = tables.getTable(t.name);
      if (local !== undefined) {
        if (local.id !== t.id) this.o.log('error', 'a local table differs from the cluster catalog; keeping the local one', { table: t.name, localId: local.id, catalogId: t.id });
        continue;
      }
      try {
        await tables.createTable({ name: t.name, columns: t.columns, primaryKey: t.primaryKey, distributionKey: t.distributionKey, id: t.id, ...(t.checks === undefined ? {} : { checks: t.checks }) });
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
    this.applied = { version, doc };
    this.o.applied.save(this.applied);
  }
}
