// System tables (pg_catalog, information_schema, eon_nodes/eon_partitions) and what they read:
// the compiling session's environment and the cluster's description.

export { SYSTEM_TABLES, isSystemSchema, isSystemTable, resolveSystemTable, systemTableRows } from './registry.js';
export { compilingEnvironment, withSystemEnvironment, type SessionIdentity, type SystemEnvironment } from './environment.js';
export { STANDALONE_NODE_ID, standaloneClusterInfo, type ClusterInfoProvider, type PartitionInfo } from './cluster-info.js';
export { formatType, typeRowOfOid } from './type-info.js';
export { primaryKeyDefinition, primaryKeyIndexDefinition, userTableOfOid, userViewOfOid, viewDefinition } from './pg-catalog.js';
export { DATABASE_OIDS, SUPERUSER_ROLE_OID, UTF8_ENCODING, tableIdOfOid } from './oids.js';
export type { SystemSchemaName, SystemTableDef } from './system-table.js';
export { lookupReference, parseQualifiedName, referenceNotFound, relationVisible, type ReferenceKind } from './references.js';
export { castArrayText, formatArray, formatArrayItem, parseArrayText, type ArrayText } from './array-text.js';
