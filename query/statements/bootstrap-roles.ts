// The bootstrap superuser a node starts with (PostgreSQL's initdb user, OID 10): made when the
// store has no roles, its password taken from --password.

import { scramSecret, verifyScramPassword } from '../../src/auth/scram-secret.js';
import { BOOTSTRAP_ROLE_OID, bootstrapSecurity, roleByOid, type Store } from '../../storage/index.js';

/**
 * Makes the bootstrap superuser `name` when the store has no roles. When it exists and `password`
 * is given but no longer matches its secret, the secret is replaced here (this node's copy: in a
 * cluster the next catalog change another node applies carries the catalog's own), so the
 * configured password always lets the superuser in.
 */
export function bootstrapRoles(store: Store, name: string, password: string | undefined): void {
  const doc = store.security();
  if (doc.roles.length === 0) {
    store.replaceSecurity(bootstrapSecurity(name, password === undefined ? null : scramSecret(password)));
    return;
  }
  const role = roleByOid(doc, BOOTSTRAP_ROLE_OID);
  if (role === undefined || password === undefined) return;
  if (role.password !== null && verifyScramPassword(role.password, password)) return;
  const next = { ...role, password: scramSecret(password) };
  store.replaceSecurity({ ...doc, roles: doc.roles.map((r) => (r.oid === BOOTSTRAP_ROLE_OID ? next : r)) });
}
