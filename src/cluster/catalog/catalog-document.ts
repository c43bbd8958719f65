// The cluster's catalog as one versioned document in the consensus register: every table's schema
// with the id every node stores it under, and the next id to hand out. Text (JSON) because the
// register holds strings; validated on the way in, since it arrives from other nodes.

import type { TableSchema, ViewSchema } from '../../../storage/index.js';
import { validateSecurity, type SecurityDocument } from '../../../storage/security.js';

export const CATALOG_FORMAT = 1;
/** Tables one catalog document may hold (it travels whole in one register value). */
export const CATALOG_TABLES_MAX = 10_000;

export interface CatalogDocument {
  readonly format: typeof CATALOG_FORMAT;
  readonly nextTableId: number;
  readonly tables: readonly TableSchema[];
  /** Views (ids from nextTableId too); absent in documents written before views existed. */
  readonly views?: readonly ViewSchema[];
  /** Roles and privileges (storage/security.ts); absent until the first role DDL on the cluster. */
  readonly security?: SecurityDocument;
}

export const EMPTY_CATALOG: CatalogDocument = { format: CATALOG_FORMAT, nextTableId: 1, tables: [] };

export function encodeCatalog(doc: CatalogDocument): string {
  return JSON.stringify(doc);
}

function isOrdinals(x: unknown, width: number): x is number[] {
  return Array.isArray(x) && x.every((o) => Number.isInteger(o) && (o as number) >= 0 && (o as number) < width);
}

function isTable(x: unknown): x is TableSchema {
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Record<string, unknown>;
  if (!Number.isSafeInteger(t.id) || (t.id as number) < 1 || typeof t.name !== 'string' || t.name === '') return false;
  if (!Array.isArray(t.columns) || t.columns.length === 0) return false;
  for (const c of t.columns as unknown[]) {
    if (typeof c !== 'object' || c === null) return false;
    const col = c as Record<string, unknown>;
    if (typeof col.name !== 'string' || typeof col.notNull !== 'boolean') return false;
    if (typeof col.type !== 'object' || col.type === null || typeof (col.type as Record<string, unknown>).kind !== 'string') return false;
  }
  return isOrdinals(t.primaryKey, t.columns.length) && isOrdinals(t.distributionKey, t.columns.length);
}

function isView(x: unknown): x is ViewSchema {
  if (typeof x !== 'object' || x === null) return false;
  const v = x as Record<string, unknown>;
  if (!Number.isSafeInteger(v.id) || (v.id as number) < 1 || typeof v.name !== 'string' || v.name === '' || typeof v.query !== 'string') return false;
  if (!Array.isArray(v.dependsOn) || !v.dependsOn.every((d) => typeof d === 'string')) return false;
  if (!Array.isArray(v.columns) || v.columns.length === 0) return false;
  return (v.columns as unknown[]).every((c) => {
    if (typeof c !== 'object' || c === null) return false;
    const col = c as Record<string, unknown>;
    return typeof col.name === 'string' && typeof col.type === 'object' && col.type !== null && typeof (col.type as Record<string, unknown>).kind === 'string';
  });
}

/** The document in `text`, or null when it is not a valid catalog (a null register value is the empty catalog). */
export function decodeCatalog(text: string | null): CatalogDocument | null {
  if (text === null) return EMPTY_CATALOG;
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof x !== 'object' || x === null) return null;
  const d = x as Record<string, unknown>;
  if (d.format !== CATALOG_FORMAT || !Number.isSafeInteger(d.nextTableId) || !Array.isArray(d.tables)) return null;
  if (d.tables.length > CATALOG_TABLES_MAX || !d.tables.every(isTable)) return null;
  const tables = d.tables as TableSchema[];
  if (d.views !== undefined && (!Array.isArray(d.views) || d.views.length > CATALOG_TABLES_MAX || !d.views.every(isView))) return null;
  const views = (d.views ?? []) as ViewSchema[];
  const security = d.security === undefined ? undefined : validateSecurity(d.security);
  if (security === null) return null;
  const relations = [...tables, ...views];
  const names = new Set(relations.map((t) => t.name));
  const ids = new Set(relations.map((t) => t.id));
  if (names.size !== relations.length || ids.size !== relations.length) return null;
  if (relations.some((t) => t.id >= (d.nextTableId as number))) return null;
  return { format: CATALOG_FORMAT, nextTableId: d.nextTableId as number, tables, ...(views.length === 0 ? {} : { views }), ...(security === undefined ? {} : { security }) };
}

/** The document with `table` added under the next id. */
export function withTable(doc: CatalogDocument, table: Omit<TableSchema, 'id'>, idAtLeast: number): { doc: CatalogDocument; table: TableSchema } {
  const id = Math.max(doc.nextTableId, idAtLeast);
  const added: TableSchema = { ...table, id };
  return { doc: { ...doc, format: CATALOG_FORMAT, nextTableId: id + 1, tables: [...doc.tables, added] }, table: added };
}

export function withoutTable(doc: CatalogDocument, name: string): CatalogDocument {
  return { ...doc, tables: doc.tables.filter((t) => t.name !== name) };
}

/** The document with `view` added, or replacing the view of its name (which keeps its id). */
export function withView(doc: CatalogDocument, view: Omit<ViewSchema, 'id'>, idAtLeast: number): { doc: CatalogDocument; view: ViewSchema } {
  const old = (doc.views ?? []).find((v) => v.name === view.name);
  const id = old?.id ?? Math.max(doc.nextTableId, idAtLeast);
  const added: ViewSchema = { ...view, id };
  const views = [...(doc.views ?? []).filter((v) => v.name !== view.name), added];
  return { doc: { ...doc, nextTableId: Math.max(doc.nextTableId, id + 1), views }, view: added };
}

export function withoutView(doc: CatalogDocument, name: string): CatalogDocument {
  return { ...doc, views: (doc.views ?? []).filter((v) => v.name !== name) };
}
