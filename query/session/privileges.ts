// The session's role and PostgreSQL's privilege rules over the store's roles-and-privileges
// document (storage/security.ts): superusers and owners may do everything, others what GRANT gave
// them or PUBLIC. Checks run when a statement runs, not when it is bound, so a cached plan is
// checked again for each session and after every GRANT or REVOKE.

import { EonError } from '../../src/errors/index.js';
import {
  BOOTSTRAP_ROLE_OID,
  PRIVILEGE_LETTER,
  PUBLIC_ROLE_OID,
  relationOwner,
  relationSecurity,
  roleByName,
  roleByOid,
  type RoleRecord,
  type SecurityDocument,
  type Store,
  type TablePrivilege,
} from '../../storage/index.js';
import type { RelationAccess } from '../bind/context.js';

/** Whether role `oid` holds `privilege` on relation `id` (superuser, owner, its own grant or PUBLIC's). */
export function roleHasPrivilege(doc: SecurityDocument, oid: number, id: number, privilege: TablePrivilege): boolean {
  if (doc.roles.length === 0) return true;
  const role = roleByOid(doc, oid);
  if (role === undefined) return false;
  if (role.superuser) return true;
  const rel = relationSecurity(doc, id);
  const owner = rel?.owner ?? BOOTSTRAP_ROLE_OID;
  if (owner === oid) return true;
  const letter = PRIVILEGE_LETTER[privilege];
  return (rel?.grants ?? []).some((g) => (g.role === oid || g.role === PUBLIC_ROLE_OID) && g.privileges.includes(letter));
}

export function permissionDenied(kind: 'table' | 'view' | 'schema', name: string): EonError {
  return new EonError('insufficient_privilege', `permission denied for ${kind} ${name}`);
}

export function mustBeOwner(kind: 'table' | 'view', name: string): EonError {
  return new EonError('insufficient_privilege', `must be owner of ${kind} ${name}`);
}

/** Who a session is: its role's OID, or null in a store that has no roles yet (then it may do everything). */
export class SessionSecurity {
  constructor(
    private readonly store: Store,
    readonly roleOid: number | null,
  ) {}

  /** Opens a session of role `user`: 28000 when the store has roles and none of this name. */
  static open(store: Store, user: string): SessionSecurity {
    const doc = store.security();
    if (doc.roles.length === 0) return new SessionSecurity(store, null);
    const role = roleByName(doc, user);
    if (role === undefined) throw new EonError('invalid_authorization_specification', `role "${user}" does not exist`);
    return new SessionSecurity(store, role.oid);
  }

  get doc(): SecurityDocument {
    return this.store.security();
  }

  role(): RoleRecord | undefined {
    return this.roleOid === null ? undefined : roleByOid(this.doc, this.roleOid);
  }

  /** The OID objects this session creates are owned by. */
  get ownerOid(): number {
    return this.roleOid ?? BOOTSTRAP_ROLE_OID;
  }

  isSuperuser(): boolean {
    return this.roleOid === null || this.role()?.superuser === true;
  }

  /** The check PostgreSQL's executor makes of the range table: the first relation lacking a privilege fails the statement. */
  checkAccesses(accesses: readonly RelationAccess[]): void {
    if (this.roleOid === null || accesses.length === 0) return;
    const doc = this.doc;
    for (const a of accesses) {
      const as = a.viaView === null ? this.roleOid : relationOwner(doc, a.viaView);
      if (!roleHasPrivilege(doc, as, a.id, a.privilege)) throw permissionDenied(a.view ? 'view' : 'table', a.name);
    }
  }

  /** DROP, ALTER: the owner (or a superuser) only. */
  requireOwner(kind: 'table' | 'view', rel: { readonly id: number; readonly name: string }): void {
    if (this.isSuperuser()) return;
    if (relationOwner(this.doc, rel.id) !== this.roleOid) throw mustBeOwner(kind, rel.name);
  }

  /** TRUNCATE needs its own privilege (granted with ALL). */
  requirePrivilege(kind: 'table' | 'view', rel: { readonly id: number; readonly name: string }, privilege: TablePrivilege): void {
    if (this.roleOid === null) return;
    if (!roleHasPrivilege(this.doc, this.roleOid, rel.id, privilege)) throw permissionDenied(kind, rel.name);
  }

  /** CREATE TABLE / VIEW / SEQUENCE in public: PostgreSQL 15 grants CREATE there to the owner (the bootstrap superuser) only. */
  requireSchemaCreate(): void {
    if (this.isSuperuser()) return;
    if (!this.doc.schemaCreate.includes(this.roleOid!) && !this.doc.schemaCreate.includes(PUBLIC_ROLE_OID)) throw permissionDenied('schema', 'public');
  }
}
