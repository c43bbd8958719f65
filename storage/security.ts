// Roles and table privileges: one document (pg_authid, relation ACLs and the public schema's
// CREATE grants) kept in the node's catalog under one key, and in a cluster carried inside the
// cluster catalog document, so every node authenticates every role. Relations and roles are
// referred to by id/OID, so renames need no rewrite and a dropped table's entry is inert.

/** The bootstrap superuser's OID, as in PostgreSQL (BOOTSTRAP_SUPERUSERID). */
export const BOOTSTRAP_ROLE_OID = 10;
/**
 * OIDs of created roles start here: above the OIDs of relations with ids below 41,808 (16384 + 2 × id),
 * so they rarely meet; a meeting is harmless, role and relation OIDs live in different catalogs.
 */
export const ROLE_OID_FIRST = 100_000;
/** PUBLIC in a grant (PostgreSQL's ACL_ID_PUBLIC). */
export const PUBLIC_ROLE_OID = 0;
/** Roles one document may hold (it travels whole in the cluster catalog). */
export const ROLES_MAX = 10_000;
export const SECURITY_FORMAT = 1;

export interface RoleRecord {
  readonly oid: number;
  readonly name: string;
  readonly superuser: boolean;
  readonly inherit: boolean;
  readonly createrole: boolean;
  readonly createdb: boolean;
  readonly login: boolean;
  readonly replication: boolean;
  readonly bypassrls: boolean;
  /** -1: no limit (eon does not enforce one; pg_roles shows it). */
  readonly connectionLimit: number;
  /** SCRAM-SHA-256 secret, or null: no password (login then only by trust). */
  readonly password: string | null;
  /** VALID UNTIL as written (timestamptz text), or null. */
  readonly validUntil: string | null;
}

/**
 * Privileges as PostgreSQL's aclitem letters, in its order: SELECT r, INSERT a, UPDATE w,
 * DELETE d, TRUNCATE D, REFERENCES x, TRIGGER t.
 */
export const TABLE_PRIVILEGE_LETTERS = 'arwdDxt';
export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE' | 'REFERENCES' | 'TRIGGER';
export const PRIVILEGE_LETTER: Readonly<Record<TablePrivilege, string>> = {
  INSERT: 'a', SELECT: 'r', UPDATE: 'w', DELETE: 'd', TRUNCATE: 'D', REFERENCES: 'x', TRIGGER: 't',
};

export interface RelationGrant {
  /** PUBLIC_ROLE_OID for PUBLIC. */
  readonly role: number;
  /** Letters of TABLE_PRIVILEGE_LETTERS, in that order. */
  readonly privileges: string;
}

/** A table's or view's owner and grants; a relation without an entry is owned by the bootstrap superuser, with no grants. */
export interface RelationSecurity {
  readonly id: number;
  readonly owner: number;
  readonly grants: readonly RelationGrant[];
  /** Set once a GRANT or REVOKE ran: pg_class.relacl is then no longer NULL (PostgreSQL's default ACL). */
  readonly explicit?: boolean;
}

export interface SecurityDocument {
  readonly format: typeof SECURITY_FORMAT;
  readonly nextRoleOid: number;
  readonly roles: readonly RoleRecord[];
  readonly relations: readonly RelationSecurity[];
  /** Roles granted CREATE on schema public (the bootstrap superuser owns it). */
  readonly schemaCreate: readonly number[];
}

export const EMPTY_SECURITY: SecurityDocument = { format: SECURITY_FORMAT, nextRoleOid: ROLE_OID_FIRST, roles: [], relations: [], schemaCreate: [] };

export function newRole(oid: number, name: string, attrs: Partial<Omit<RoleRecord, 'oid' | 'name'>> = {}): RoleRecord {
  return {
    oid,
    name,
    superuser: false,
    inherit: true,
    createrole: false,
    createdb: false,
    login: false,
    replication: false,
    bypassrls: false,
    connectionLimit: -1,
    password: null,
    validUntil: null,
    ...attrs,
  };
}

/** The document with the bootstrap superuser (OID 10). */
export function bootstrapSecurity(name: string, password: string | null): SecurityDocument {
  const role = newRole(BOOTSTRAP_ROLE_OID, name, { superuser: true, createrole: true, createdb: true, login: true, replication: true, bypassrls: true, password });
  return { ...EMPTY_SECURITY, roles: [role] };
}

export function roleByName(doc: SecurityDocument, name: string): RoleRecord | undefined {
  return doc.roles.find((r) => r.name === name);
}

export function roleByOid(doc: SecurityDocument, oid: number): RoleRecord | undefined {
  return doc.roles.find((r) => r.oid === oid);
}

export function relationSecurity(doc: SecurityDocument, id: number): RelationSecurity | undefined {
  return doc.relations.find((r) => r.id === id);
}

/** Owner OID of relation `id` (the bootstrap superuser for relations made before roles, or by it). */
export function relationOwner(doc: SecurityDocument, id: number): number {
  return relationSecurity(doc, id)?.owner ?? BOOTSTRAP_ROLE_OID;
}

/** The document with the relation's entry replaced (or removed when `next` is null). */
export function withRelation(doc: SecurityDocument, id: number, next: RelationSecurity | null): SecurityDocument {
  const relations = doc.relations.filter((r) => r.id !== id);
  if (next !== null) relations.push(next);
  return { ...doc, relations };
}

/** Letters in PostgreSQL's order, each once. */
export function normalizeLetters(letters: string): string {
  return [...TABLE_PRIVILEGE_LETTERS].filter((l) => letters.includes(l)).join('');
}

function isRole(x: unknown): x is RoleRecord {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  const bools = ['superuser', 'inherit', 'createrole', 'createdb', 'login', 'replication', 'bypassrls'];
  return (
    Number.isSafeInteger(r.oid) &&
    typeof r.name === 'string' &&
    r.name !== '' &&
    bools.every((b) => typeof r[b] === 'boolean') &&
    Number.isSafeInteger(r.connectionLimit) &&
    (r.password === null || typeof r.password === 'string') &&
    (r.validUntil === null || typeof r.validUntil === 'string')
  );
}

function isRelation(x: unknown): x is RelationSecurity {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return (
    Number.isSafeInteger(r.id) &&
    Number.isSafeInteger(r.owner) &&
    Array.isArray(r.grants) &&
    r.grants.every((g: unknown) => {
      if (typeof g !== 'object' || g === null) return false;
      const gr = g as Record<string, unknown>;
      return Number.isSafeInteger(gr.role) && typeof gr.privileges === 'string' && [...gr.privileges].every((l) => TABLE_PRIVILEGE_LETTERS.includes(l));
    })
  );
}

/** The document in `x` (decoded JSON from another node or the disk), or null when it is not a valid one. */
export function validateSecurity(x: unknown): SecurityDocument | null {
  if (typeof x !== 'object' || x === null) return null;
  const d = x as Record<string, unknown>;
  if (d.format !== SECURITY_FORMAT || !Number.isSafeInteger(d.nextRoleOid)) return null;
  if (!Array.isArray(d.roles) || d.roles.length > ROLES_MAX || !d.roles.every(isRole)) return null;
  if (!Array.isArray(d.relations) || !d.relations.every(isRelation)) return null;
  if (!Array.isArray(d.schemaCreate) || !d.schemaCreate.every((o) => Number.isSafeInteger(o))) return null;
  const roles = d.roles as RoleRecord[];
  if (new Set(roles.map((r) => r.name)).size !== roles.length || new Set(roles.map((r) => r.oid)).size !== roles.length) return null;
  return d as unknown as SecurityDocument;
}
