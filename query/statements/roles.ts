// CREATE/ALTER/DROP ROLE (and USER), ALTER ROLE … RENAME TO, GRANT and REVOKE of table privileges
// and of CREATE on schema public, with PostgreSQL 15's rules and messages. Each statement is one
// edit of the roles-and-privileges document (storage/security.ts) through services.ddl, so on a
// cluster it is decided by consensus like CREATE TABLE.

import type { AlterRoleStmt, CreateRoleStmt, DefElem, DropRoleStmt, GrantStmt, Node, RenameStmt, RoleSpec } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { isScramSecretText, scramSecret } from '../../src/auth/scram-secret.js';
import {
  BOOTSTRAP_ROLE_OID,
  PRIVILEGE_LETTER,
  PUBLIC_ROLE_OID,
  TABLE_PRIVILEGE_LETTERS,
  newRole,
  normalizeLetters,
  relationSecurity,
  roleByName,
  withRelation,
  type RelationGrant,
  type RoleRecord,
  type SecurityDocument,
  type Store,
  type TablePrivilege,
} from '../../storage/index.js';
import { asNode, integerOf, stringOf } from '../parse/ast.js';
import type { QueryResult } from '../session/contract.js';
import type { TableDdl } from './ddl.js';
import type { SessionSecurity } from '../session/privileges.js';
import { permissionDenied } from '../session/privileges.js';
import { resolveSystemTable } from '../catalog/registry.js';

/** pg_catalog relations are everyone's to read; eon keeps no grants on them. */
function isSystemRelation(name: string): boolean {
  return resolveSystemTable(null, name) !== undefined;
}

/** PostgreSQL's NAMEDATALEN - 1. */
export const ROLE_NAME_BYTES_MAX = 63;

export interface RoleServices {
  readonly store: Store;
  readonly ddl: TableDdl;
  /** The running session's role (absent: an engine without roles; everything allowed). */
  readonly security?: SessionSecurity;
  /** The session's login name (session_user). */
  readonly sessionUser: string;
}

function done(command: string): QueryResult {
  return { command, rowCount: 0, columns: null, rows: [] };
}

function roleMissing(name: string): EonError {
  return new EonError('undefined_object', `role "${name}" does not exist`);
}

function checkRoleName(name: string): void {
  if (name.startsWith('pg_')) {
    throw new EonError('reserved_name', `role name "${name}" is reserved`, { detail: 'Role names starting with "pg_" are reserved.' });
  }
  if (name === 'public' || name === 'none') throw new EonError('reserved_name', `role name "${name}" is reserved`);
  if (Buffer.byteLength(name, 'utf8') > ROLE_NAME_BYTES_MAX) throw new EonError('invalid_name', `role name "${name}" is too long`);
}

/** The running role, or null when the engine has no roles (bootstrap mode). */
function actor(s: RoleServices): RoleRecord | null {
  if (s.security === undefined || s.security.roleOid === null) return null;
  return s.security.role() ?? null;
}

function isSuper(s: RoleServices): boolean {
  const a = actor(s);
  return s.security === undefined || s.security.roleOid === null || a?.superuser === true;
}

/** Options of CREATE/ALTER ROLE as PostgreSQL's DefElem names them. */
interface RoleOptions {
  superuser?: boolean;
  createdb?: boolean;
  createrole?: boolean;
  inherit?: boolean;
  canlogin?: boolean;
  isreplication?: boolean;
  bypassrls?: boolean;
  connectionlimit?: number;
  /** null: PASSWORD NULL (or ''). */
  password?: string | null;
}

const BOOLEAN_OPTIONS = ['superuser', 'createdb', 'createrole', 'inherit', 'canlogin', 'isreplication', 'bypassrls'] as const;

function roleOptions(options: readonly Node[] | undefined): RoleOptions {
  const out: RoleOptions = {};
  const seen = new Set<string>();
  for (const o of options ?? []) {
    const d = asNode(o, 'DefElem') as DefElem | undefined;
    if (d === undefined) continue;
    const name = d.defname ?? '';
    if (seen.has(name)) throw new EonError('syntax_error', 'conflicting or redundant options');
    seen.add(name);
    if ((BOOLEAN_OPTIONS as readonly string[]).includes(name)) {
      (out as Record<string, unknown>)[name] = asNode(d.arg, 'Boolean')?.boolval === true;
    } else if (name === 'connectionlimit') {
      const n = integerOf(d.arg) ?? 0;
      if (n < -1) throw new EonError('invalid_parameter_value', `invalid connection limit: ${n}`);
      out.connectionlimit = n;
    } else if (name === 'password') {
      const p = stringOf(d.arg);
      // An empty password clears it, as in PostgreSQL (which says so in a NOTICE).
      out.password = p === undefined || p === '' ? null : p;
    } else if (name === 'validUntil') {
      // Expiry would have to be enforced at login too; refused rather than stored and ignored.
      throw new EonError('feature_not_supported', 'VALID UNTIL is not supported yet');
    } else if (name === 'addroleto' || name === 'rolemembers' || name === 'adminmembers' || name === 'sysid') {
      throw new EonError('feature_not_supported', 'role membership (IN ROLE, ROLE, ADMIN, SYSID) is not supported yet');
    } else {
      throw new EonError('feature_not_supported', `role option ${name} is not supported yet`);
    }
  }
  return out;
}

/** The stored form of a password: a SCRAM secret given as such is kept, an md5 one refused, any other text hashed. */
function storedPassword(p: string | null | undefined): string | null | undefined {
  if (p === undefined || p === null) return p;
  if (isScramSecretText(p)) return p;
  if (/^md5[0-9a-f]{32}$/.test(p)) {
    throw new EonError('feature_not_supported', 'md5 password hashes are not supported: eon stores SCRAM-SHA-256 secrets only', {
      hint: 'Give the password itself, or its SCRAM-SHA-256 secret.',
    });
  }
  return scramSecret(p);
}

function applyOptions(role: RoleRecord, o: RoleOptions, password: string | null | undefined): RoleRecord {
  return {
    ...role,
    ...(o.superuser === undefined ? {} : { superuser: o.superuser }),
    ...(o.createdb === undefined ? {} : { createdb: o.createdb }),
    ...(o.createrole === undefined ? {} : { createrole: o.createrole }),
    ...(o.inherit === undefined ? {} : { inherit: o.inherit }),
    ...(o.canlogin === undefined ? {} : { login: o.canlogin }),
    ...(o.isreplication === undefined ? {} : { replication: o.isreplication }),
    ...(o.bypassrls === undefined ? {} : { bypassrls: o.bypassrls }),
    ...(o.connectionlimit === undefined ? {} : { connectionLimit: o.connectionlimit }),
    ...(password === undefined ? {} : { password }),
  };
}

export async function createRole(s: CreateRoleStmt, services: RoleServices): Promise<QueryResult> {
  const name = s.role ?? '';
  const o = roleOptions(s.options);
  if (!isSuper(services)) {
    const me = actor(services);
    if (o.superuser === true) throw new EonError('insufficient_privilege', 'must be superuser to create superusers');
    if (o.isreplication === true) throw new EonError('insufficient_privilege', 'must be superuser to create replication users');
    if (o.bypassrls === true) throw new EonError('insufficient_privilege', 'must be superuser to create bypassrls users');
    if (me?.createrole !== true) throw new EonError('insufficient_privilege', 'permission denied to create role');
  }
  checkRoleName(name);
  const password = storedPassword(o.password);
  // CREATE USER is CREATE ROLE … LOGIN.
  const base = newRole(0, name, { login: s.stmt_type === 'ROLESTMT_USER' });
  await services.ddl.changeSecurity(`CREATE ROLE ${name}`, (doc) => {
    if (roleByName(doc, name) !== undefined) throw new EonError('duplicate_object', `role "${name}" already exists`);
    const role = applyOptions({ ...base, oid: doc.nextRoleOid }, o, password);
    return { ...doc, nextRoleOid: doc.nextRoleOid + 1, roles: [...doc.roles, role] };
  });
  return done('CREATE ROLE');
}

/** The role a RoleSpec names (CURRENT_USER, SESSION_USER, a name); PUBLIC is refused here. */
function specName(spec: RoleSpec | undefined, services: RoleServices): string {
  switch (spec?.roletype) {
    case 'ROLESPEC_CSTRING':
      return spec.rolename ?? '';
    case 'ROLESPEC_CURRENT_ROLE':
    case 'ROLESPEC_CURRENT_USER':
      return actor(services)?.name ?? services.sessionUser;
    case 'ROLESPEC_SESSION_USER':
      return services.sessionUser;
    default:
      throw new EonError('undefined_object', 'role "public" does not exist');
  }
}

export async function alterRole(s: AlterRoleStmt, services: RoleServices): Promise<QueryResult> {
  const name = specName(s.role, services);
  const o = roleOptions(s.options);
  const password = storedPassword(o.password);
  await services.ddl.changeSecurity(`ALTER ROLE ${name}`, (doc) => {
    const role = roleByName(doc, name);
    if (role === undefined) throw roleMissing(name);
    if (!isSuper(services)) {
      const me = actor(services);
      if (role.superuser || o.superuser !== undefined) throw new EonError('insufficient_privilege', 'must be superuser to alter superuser roles or change superuser attribute');
      if (role.replication || o.isreplication !== undefined) throw new EonError('insufficient_privilege', 'must be superuser to alter replication roles or change replication attribute');
      if (o.bypassrls !== undefined) throw new EonError('insufficient_privilege', 'must be superuser to change bypassrls attribute');
      // Without CREATEROLE a role may change its own password, nothing else.
      const onlyOwnPassword = me?.oid === role.oid && Object.keys(o).every((k) => k === 'password');
      if (me?.createrole !== true && !onlyOwnPassword) throw new EonError('insufficient_privilege', 'permission denied');
    }
    if (role.oid === BOOTSTRAP_ROLE_OID && o.superuser === false) {
      throw new EonError('insufficient_privilege', 'permission denied: bootstrap user must be superuser');
    }
    const next = applyOptions(role, o, password);
    return { ...doc, roles: doc.roles.map((r) => (r.oid === role.oid ? next : r)) };
  });
  return done('ALTER ROLE');
}

export async function renameRole(s: RenameStmt, services: RoleServices): Promise<QueryResult> {
  const from = s.subname ?? '';
  const to = s.newname ?? '';
  await services.ddl.changeSecurity(`ALTER ROLE ${from} RENAME`, (doc) => {
    const role = roleByName(doc, from);
    if (role === undefined) throw roleMissing(from);
    const session = roleByName(doc, services.sessionUser);
    if (session?.oid === role.oid) throw new EonError('feature_not_supported', 'session user cannot be renamed');
    if (actor(services)?.oid === role.oid) throw new EonError('feature_not_supported', 'current user cannot be renamed');
    checkRoleName(to);
    if (roleByName(doc, to) !== undefined) throw new EonError('duplicate_object', `role "${to}" already exists`);
    if (!isSuper(services)) {
      if (role.superuser) throw new EonError('insufficient_privilege', 'must be superuser to rename superusers');
      if (actor(services)?.createrole !== true) throw new EonError('insufficient_privilege', 'permission denied to rename role');
    }
    return { ...doc, roles: doc.roles.map((r) => (r.oid === role.oid ? { ...r, name: to } : r)) };
  });
  return done('ALTER ROLE');
}

/** What a role owns or holds privileges on, as DROP ROLE's DETAIL lists it. */
function dependents(doc: SecurityDocument, oid: number, store: Store): string[] {
  const lines: string[] = [];
  const relations = [...store.listTables().map((t) => ({ id: t.id, name: t.name, kind: 'table' })), ...store.listViews().map((v) => ({ id: v.id, name: v.name, kind: 'view' }))].sort((a, b) => a.id - b.id);
  for (const r of relations) {
    const sec = relationSecurity(doc, r.id);
    if (sec === undefined) continue;
    if (sec.owner === oid) lines.push(`owner of ${r.kind} ${r.name}`);
    else if (sec.grants.some((g) => g.role === oid && g.privileges !== '')) lines.push(`privileges for ${r.kind} ${r.name}`);
  }
  if (doc.schemaCreate.includes(oid)) lines.unshift('privileges for schema public');
  return lines;
}

export async function dropRoles(s: DropRoleStmt, services: RoleServices): Promise<QueryResult> {
  const names = (s.roles ?? []).map((n) => specName(asNode(n, 'RoleSpec'), services));
  if (!isSuper(services) && actor(services)?.createrole !== true) throw new EonError('insufficient_privilege', 'permission denied to drop role');
  await services.ddl.changeSecurity(`DROP ROLE ${names.join(', ')}`, (doc) => {
    let next = doc;
    for (const name of names) {
      const role = roleByName(next, name);
      if (role === undefined) {
        if (s.missing_ok === true) continue;
        throw roleMissing(name);
      }
      if (actor(services)?.oid === role.oid) throw new EonError('object_in_use', 'current user cannot be dropped');
      if (roleByName(doc, services.sessionUser)?.oid === role.oid) throw new EonError('object_in_use', 'session user cannot be dropped');
      if (role.oid === BOOTSTRAP_ROLE_OID) {
        throw new EonError('dependent_objects_still_exist', `cannot drop role ${name} because it is required by the database system`);
      }
      if (role.superuser && !isSuper(services)) throw new EonError('insufficient_privilege', 'must be superuser to drop superusers');
      const deps = dependents(next, role.oid, services.store);
      if (deps.length > 0) {
        throw new EonError('dependent_objects_still_exist', `role "${name}" cannot be dropped because some objects depend on it`, { detail: deps.join('\n') });
      }
      next = {
        ...next,
        roles: next.roles.filter((r) => r.oid !== role.oid),
        // Entries of relations dropped since still name it; they go with it.
        relations: next.relations.filter((r) => r.owner !== role.oid).map((r) => ({ ...r, grants: r.grants.filter((g) => g.role !== role.oid) })),
      };
    }
    return next === doc ? null : next;
  });
  return done('DROP ROLE');
}

// ---- GRANT / REVOKE ----

const TABLE_PRIVILEGES: readonly TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];

/** Letters of the privileges a GRANT names ('arwdDxt' for ALL); `kind` names the relation in the error. */
function tablePrivilegeLetters(s: GrantStmt, kind: 'table' | 'view'): string {
  const privs = s.privileges ?? [];
  if (privs.length === 0) return TABLE_PRIVILEGE_LETTERS;
  let letters = '';
  for (const p of privs) {
    const a = asNode(p, 'AccessPriv');
    if ((a?.cols ?? []).length > 0) throw new EonError('feature_not_supported', 'column privileges are not supported yet');
    const name = (a?.priv_name ?? '').toUpperCase();
    if (!(TABLE_PRIVILEGES as readonly string[]).includes(name)) {
      throw new EonError('invalid_grant_operation', `invalid privilege type ${name} for ${kind}`);
    }
    letters += PRIVILEGE_LETTER[name as TablePrivilege];
  }
  return normalizeLetters(letters);
}

/** Grantee OIDs (PUBLIC_ROLE_OID for PUBLIC). */
function granteeOids(s: GrantStmt, doc: SecurityDocument, services: RoleServices): number[] {
  return (s.grantees ?? []).map((g) => {
    const spec = asNode(g, 'RoleSpec');
    if (spec?.roletype === 'ROLESPEC_PUBLIC') return PUBLIC_ROLE_OID;
    const name = specName(spec, services);
    const role = roleByName(doc, name);
    if (role === undefined) throw roleMissing(name);
    return role.oid;
  });
}

/** The relations a GRANT names: listed tables and views, or ALL TABLES IN SCHEMA public. */
function grantRelations(s: GrantStmt, store: Store): { id: number; name: string; kind: 'table' | 'view' }[] {
  if (s.targtype === 'ACL_TARGET_ALL_IN_SCHEMA') {
    for (const o of s.objects ?? []) {
      const schema = stringOf(o) ?? '';
      if (schema !== 'public') throw new EonError('invalid_schema_name', `schema "${schema}" does not exist`);
    }
    return [...store.listTables().map((t) => ({ id: t.id, name: t.name, kind: 'table' as const })), ...store.listViews().map((v) => ({ id: v.id, name: v.name, kind: 'view' as const }))];
  }
  return (s.objects ?? []).map((o) => {
    const rv = asNode(o, 'RangeVar');
    const name = rv?.relname ?? '';
    if (rv?.schemaname !== undefined && rv.schemaname !== 'public') throw new EonError('undefined_table', `relation "${rv.schemaname}.${name}" does not exist`);
    const t = store.getTable(name);
    if (t !== undefined) return { id: t.id, name, kind: 'table' as const };
    if (rv?.schemaname === undefined && isSystemRelation(name)) throw new EonError('feature_not_supported', `privileges on system catalog "${name}" are not supported`);
    const v = store.getView(name);
    if (v !== undefined) return { id: v.id, name, kind: 'view' as const };
    throw new EonError('undefined_table', `relation "${name}" does not exist`);
  });
}

function editGrants(grants: readonly RelationGrant[], role: number, letters: string, add: boolean): RelationGrant[] {
  const out: RelationGrant[] = [];
  let found = false;
  for (const g of grants) {
    if (g.role !== role) {
      out.push(g);
      continue;
    }
    found = true;
    const privileges = add ? normalizeLetters(g.privileges + letters) : [...g.privileges].filter((l) => !letters.includes(l)).join('');
    if (privileges !== '') out.push({ role, privileges });
  }
  if (!found && add && letters !== '') out.push({ role, privileges: letters });
  return out;
}

export async function grantOrRevoke(s: GrantStmt, services: RoleServices): Promise<QueryResult> {
  const command = s.is_grant === true ? 'GRANT' : 'REVOKE';
  if (s.grant_option === true) throw new EonError('feature_not_supported', `${s.is_grant === true ? 'WITH GRANT OPTION' : 'GRANT OPTION FOR'} is not supported yet`);
  if (s.objtype === 'OBJECT_SCHEMA') return grantOnSchema(s, services, command);
  if (s.objtype !== 'OBJECT_TABLE') {
    throw new EonError('feature_not_supported', `${command} on ${(s.objtype ?? '').replace(/^OBJECT_/, '').toLowerCase()}s is not supported yet`);
  }
  const relations = grantRelations(s, services.store);
  const letters = tablePrivilegeLetters(s, relations[0]?.kind ?? 'table');
  await services.ddl.changeSecurity(command, (doc) => {
    const grantees = granteeOids(s, doc, services);
    let next = doc;
    for (const rel of relations) {
      const sec = relationSecurity(next, rel.id);
      const owner = sec?.owner ?? BOOTSTRAP_ROLE_OID;
      if (!isSuper(services) && actor(services)?.oid !== owner) throw permissionDenied(rel.kind, rel.name);
      // The first GRANT or REVOKE writes out the default ACL (the owner holds everything), as PostgreSQL's acldefault.
      let grants: RelationGrant[] = sec?.explicit === true ? [...sec.grants] : [{ role: owner, privileges: TABLE_PRIVILEGE_LETTERS }];
      for (const g of grantees) grants = editGrants(grants, g, letters, s.is_grant === true);
      next = withRelation(next, rel.id, { id: rel.id, owner, grants, explicit: true });
    }
    return next;
  });
  return done(command);
}

async function grantOnSchema(s: GrantStmt, services: RoleServices, command: string): Promise<QueryResult> {
  for (const o of s.objects ?? []) {
    const schema = stringOf(o) ?? '';
    if (schema === 'pg_catalog' || schema === 'information_schema') throw permissionDenied('schema', schema);
    if (schema !== 'public') throw new EonError('invalid_schema_name', `schema "${schema}" does not exist`);
  }
  let create = false;
  for (const p of s.privileges ?? [{ AccessPriv: { priv_name: 'all' } }]) {
    const name = (asNode(p, 'AccessPriv')?.priv_name ?? 'all').toUpperCase();
    if (name === 'CREATE' || name === 'ALL') create = true;
    else if (name !== 'USAGE') throw new EonError('invalid_grant_operation', `invalid privilege type ${name} for schema`);
  }
  if (!isSuper(services)) throw permissionDenied('schema', 'public');
  if (!create) return done(command); // USAGE on public is PUBLIC's already
  await services.ddl.changeSecurity(`${command} CREATE ON SCHEMA public`, (doc) => {
    const grantees = granteeOids(s, doc, services);
    const kept = doc.schemaCreate.filter((o) => !grantees.includes(o));
    return { ...doc, schemaCreate: s.is_grant === true ? [...kept, ...grantees] : kept };
  });
  return done(command);
}
