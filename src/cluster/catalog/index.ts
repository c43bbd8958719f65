// The cluster catalog: DDL decided through the consensus register and applied on every live member.

export { ClusterCatalog, CATALOG_KEY, CATALOG_ACCEPTORS_MAX, CATALOG_SYNC_MS, CATALOG_APPLY_TIMEOUT_MS, CATALOG_CHANGE_ATTEMPTS_MAX, CATALOG_APPLY_RPC } from './cluster-catalog.js';
export type { AppliedCatalogStore, CatalogMembership, ClusterCatalogOptions, LocalTables } from './cluster-catalog.js';
export { appliedCatalogStore } from './applied-catalog-store.js';
export { CATALOG_FORMAT, CATALOG_TABLES_MAX, EMPTY_CATALOG, decodeCatalog, encodeCatalog, withTable, withoutTable, withView, withoutView } from './catalog-document.js';
export type { CatalogDocument } from './catalog-document.js';
