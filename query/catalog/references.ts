// Object names → OIDs, as PostgreSQL's regclass/regtype/regnamespace/regrole/regproc input
// functions read them ('public.items'::regclass). eon's OIDs are int4 and print as numbers:
// the reference types have no output function of their own here.

import { EonError } from '../../src/errors/index.js';
import { TYPE_NAMES, TYPE_OIDS } from '../../src/types/index.js';
// A cycle (functions read the catalog): used only when a name is looked up, after both are loaded.
import { knownFunctionNames } from '../functions/index.js';
import type { SystemEnvironment } from './environment.js';
import { PG_TOAST_NAMESPACE_OID } from './oids.js';
import { PROC_OID_BASE } from './pg-catalog.js';
import { typeInputProcOid } from './type-io.js';
import { SYSTEM_TABLES } from './registry.js';
import { SCHEMA_NAMESPACES, listRelations } from './relations.js';
import { TYPE_ROWS } from './type-info.js';
import { catalogRoles } from './role-catalog.js';

export type ReferenceKind = 'regclass' | 'regtype' | 'regnamespace' | 'regrole' | 'regproc';

/** Schemas searched for an unqualified relation name, in PostgreSQL's default search_path order. */
const SEARCH_PATH = ['pg_catalog', 'public'];

/** Type spellings beyond pg_type.typname and the SQL names format_type prints. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  int: 'int4', integer: 'int4', smallint: 'int2', bigint: 'int8', real: 'float4', float: 'float8',
  'double precision': 'float8', decimal: 'numeric', boolean: 'bool', varchar: 'varchar',
  'character varying': 'varchar', timestamp: 'timestamp', timestamptz: 'timestamptz',
};

/**
 * A possibly qualified name as stringToQualifiedNameList splits it: dots separate the parts,
 * double quotes keep case and dots, unquoted parts fold to lower case.
 */
export function parseQualifiedName(text: string): string[] {
  const parts: string[] = [];
  let i = 0;
  const n = text.length;
  const invalid = (): EonError => new EonError('invalid_name', `invalid name syntax`);
  for (;;) {
    while (i < n && /\s/.test(text[i]!)) i++;
    let part = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) throw invalid();
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += text[i];
        i++;
      }
      if (part === '') throw invalid();
    } else {
      while (i < n && text[i] !== '.' && !/\s/.test(text[i]!)) part += text[i++];
      if (part === '') throw invalid();
      part = part.toLowerCase();
    }
    parts.push(part);
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) return parts;
    if (text[i] !== '.') throw invalid();
    i++;
  }
}

/** The OID a reference-type input text names; a number is taken as the OID itself. Null when nothing has that name. */
export function lookupReference(env: SystemEnvironment, kind: ReferenceKind, text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  switch (kind) {
    case 'regclass': {
      const parts = parseQualifiedName(trimmed);
      if (parts.length > 2) throw new EonError('feature_not_supported', `cross-database references are not implemented: ${trimmed}`);
      const name = parts[parts.length - 1]!;
      const schemas = parts.length === 2 ? [parts[0]!] : SEARCH_PATH;
      const relations = listRelations(env, SYSTEM_TABLES);
      for (const schema of schemas) {
        const r = relations.find((x) => x.schema === schema && x.name === name);
        if (r !== undefined) return r.oid;
      }
      return null;
    }
    case 'regtype': {
      // Modifiers do not change the type: varchar(20) is varchar.
      const bare = trimmed.replace(/\(.*\)\s*$/, '').trim().toLowerCase();
      const name = bare.startsWith('pg_catalog.') ? bare.slice('pg_catalog.'.length) : bare;
      const typname = TYPE_ALIASES[name] ?? name;
      const row = TYPE_ROWS.find((t) => t.typname === typname || TYPE_NAMES[t.kind] === typname);
      return row === undefined ? null : TYPE_OIDS[row.kind];
    }
    case 'regnamespace': {
      const parts = parseQualifiedName(trimmed);
      if (parts.length !== 1) throw new EonError('invalid_name', 'invalid name syntax');
      if (parts[0] === 'pg_toast') return PG_TOAST_NAMESPACE_OID;
      return SCHEMA_NAMESPACES.find(([n]) => n === parts[0])?.[1] ?? null;
    }
    case 'regrole': {
      const parts = parseQualifiedName(trimmed);
      return parts.length === 1 ? (catalogRoles(env).find((r) => r.name === parts[0])?.oid ?? null) : null;
    }
    case 'regproc': {
      // regprocedure input carries the argument types: the name alone identifies eon's built-ins.
      const parts = parseQualifiedName(trimmed.replace(/\(.*\)\s*$/, ''));
      const name = parts[parts.length - 1]!;
      if (parts.length === 2 && parts[0] !== 'pg_catalog') return null;
      const i = knownFunctionNames().indexOf(name);
      return i < 0 ? typeInputProcOid(name) : PROC_OID_BASE + i;
    }
    default: {
      const never: never = kind;
      throw new Error(`unexpected reference kind ${String(never)}`);
    }
  }
}

/**
 * pg_table_is_visible: whether the relation is found by its bare name on the search path (its
 * schema is pg_catalog or public, and no earlier schema has that name). NULL for an unknown OID.
 */
export function relationVisible(env: SystemEnvironment, oid: number): boolean | null {
  const relations = listRelations(env, SYSTEM_TABLES);
  const r = relations.find((x) => x.oid === oid);
  if (r === undefined) return null;
  if (!SEARCH_PATH.includes(r.schema)) return false;
  const first = SEARCH_PATH.map((schema) => relations.find((x) => x.schema === schema && x.name === r.name)).find((x) => x !== undefined);
  return first?.oid === oid;
}

/** The error PostgreSQL's input function raises for a name that resolves to nothing. */
export function referenceNotFound(kind: ReferenceKind, text: string): EonError {
  switch (kind) {
    case 'regclass':
      return new EonError('undefined_table', `relation "${text}" does not exist`);
    case 'regtype':
      return new EonError('undefined_object', `type "${text}" does not exist`);
    case 'regnamespace':
      return new EonError('invalid_schema_name', `schema "${text}" does not exist`);
    case 'regrole':
      return new EonError('undefined_object', `role "${text}" does not exist`);
    case 'regproc':
      return new EonError('undefined_function', `function "${text}" does not exist`);
    default: {
      const never: never = kind;
      throw new Error(`unexpected reference kind ${String(never)}`);
    }
  }
}
