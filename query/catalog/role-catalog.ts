// pg_roles, pg_user, pg_authid, relation owners and ACLs (pg_class.relowner/relacl) and
// has_table_privilege, read from the store's roles-and-privileges document. A store with no roles
// (an engine made without a bootstrap superuser) shows the session user as the one superuser.

import { EonError } from '../../src/errors/index.js';
import {
  BOOTSTRAP_ROLE_OID,
  PRIVILEGE_LETTER,
  PUBLIC_ROLE_OID,
  newRole,
  relationOwner,
  relationSecurity,
  roleByName,
  roleByOid,
  type RoleRecord,
  type TablePrivilege,
} from '../../storage/index.js';
import type { Value } from '../../src/types/values.js';
import { roleHasPrivilege } from '../session/privileges.js';
import type { SystemEnvironment } from './environment.js';
import { USER_OID_BASE, tableIdOfOid } from './oids.js';

/** PostgreSQL's password mask in pg_roles and pg_user (shown whether or not a password is set). */
const PASSWORD_MASK = '********';

/** The roles, by OID (PostgreSQL's heap order for a fresh catalog). */
export function catalogRoles(env: SystemEnvironment): RoleRecord[] {
  const roles = env.store.security().roles;
  if (roles.length === 0) {
    return [newRole(BOOTSTRAP_ROLE_OID, env.session.user, { superuser: true, createrole: true, createdb: true, login: true, replication: true, bypassrls: true })];
  }
  return [...roles].sort((a, b) => a.oid - b.oid);
}

export function sessionRole(env: SystemEnvironment): RoleRecord | undefined {
  return catalogRoles(env).find((r) => r.name === env.session.user);
}

export function roleNameOf(env: SystemEnvironment, oid: number): string | undefined {
  return catalogRoles(env).find((r) => r.oid === oid)?.name;
}

export function pgRolesRows(env: SystemEnvironment): Value[][] {
  return catalogRoles(env).map((r) => [
    r.name, r.superuser, r.inherit, r.createrole, r.createdb, r.login, r.replication, r.connectionLimit, PASSWORD_MASK,
    r.validUntil, r.bypassrls, null, r.oid,
  ]);
}

export function pgUserRows(env: SystemEnvironment): Value[][] {
  return catalogRoles(env)
    .filter((r) => r.login)
    .map((r) => [r.name, r.oid, r.createdb, r.superuser, r.replication, r.bypassrls, PASSWORD_MASK, r.validUntil, null]);
}

/** pg_authid holds the secrets: superusers only, as PostgreSQL's grants on it say. */
export function pgAuthidRows(env: SystemEnvironment): Value[][] {
  if (sessionRole(env)?.superuser !== true) throw new EonError('insufficient_privilege', 'permission denied for table pg_authid');
  return catalogRoles(env).map((r) => [
    r.oid, r.name, r.superuser, r.inherit, r.createrole, r.createdb, r.login, r.replication, r.bypassrls, r.connectionLimit, r.password, r.validUntil,
  ]);
}

/** The user table or view id behind a pg_class OID, or null for system relations and indexes. */
function relationIdOfOid(oid: number): number | null {
  if (oid < USER_OID_BASE) return null;
  const rel = tableIdOfOid(oid);
  return rel === null || rel.index ? null : rel.id;
}

/** pg_class.relowner: the owner of a user relation (an index: its table's), the bootstrap superuser otherwise. */
export function relationOwnerOid(env: SystemEnvironment, oid: number): number {
  const rel = tableIdOfOid(oid);
  if (oid < USER_OID_BASE || rel === null) return BOOTSTRAP_ROLE_OID;
  return relationOwner(env.store.security(), rel.id);
}

/** An aclitem's role name, quoted as PostgreSQL's putid does when it is not plain. */
function aclName(name: string): string {
  return /^[A-Za-z0-9_]+$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** pg_class.relacl: NULL until a GRANT or REVOKE, then `{owner=arwdDxt/owner,…}` as PostgreSQL prints aclitem[]. */
export function relationAclText(env: SystemEnvironment, oid: number): string | null {
  const id = relationIdOfOid(oid);
  if (id === null) return null;
  const sec = relationSecurity(env.store.security(), id);
  if (sec === undefined || sec.explicit !== true) return null;
  const name = (o: number): string => aclName(roleNameOf(env, o) ?? String(o));
  const grantor = name(sec.owner);
  return `{${sec.grants.map((g) => `${g.role === PUBLIC_ROLE_OID ? '' : name(g.role)}=${g.privileges}/${grantor}`).join(',')}}`;
}

/** The letters a has_table_privilege privilege list names ('SELECT, insert WITH GRANT OPTION'…). */
function privilegesOf(text: string): TablePrivilege[] {
  return text.split(',').map((part) => {
    const word = part.trim().toUpperCase().replace(/\s+WITH\s+GRANT\s+OPTION$/, '');
    if (!(word in PRIVILEGE_LETTER)) throw new EonError('invalid_parameter_value', `unrecognized privilege type: "${part.trim()}"`);
    return word as TablePrivilege;
  });
}

/** has_table_privilege([user,] table, privileges): true when the role holds any of them, as PostgreSQL's. */
export function hasTablePrivilege(env: SystemEnvironment, user: string | number | null, relation: number, privileges: string): boolean {
  const doc = env.store.security();
  let roleOid: number;
  if (user === null) roleOid = sessionRole(env)?.oid ?? BOOTSTRAP_ROLE_OID;
  else if (typeof user === 'number') roleOid = user;
  else {
    const r = doc.roles.length === 0 ? sessionRole(env) : roleByName(doc, user);
    if (r === undefined) throw new EonError('undefined_object', `role "${user}" does not exist`);
    roleOid = r.oid;
  }
  const wanted = privilegesOf(privileges);
  const id = relationIdOfOid(relation);
  // System catalogs: PUBLIC may read them.
  if (id === null) return doc.roles.length === 0 || roleByOid(doc, roleOid)?.superuser === true || wanted.includes('SELECT');
  return wanted.some((p) => roleHasPrivilege(doc, roleOid, id, p));
}

