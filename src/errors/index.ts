// The one registry of typed errors: every error a user can see has a stable code, a SQLSTATE
// and an HTTP status, mapped once to the wire (ErrorResponse) and to REST (status + JSON body).

/** Each entry: SQLSTATE, HTTP status. Codes are never reused for another meaning. */
export const ERROR_CODES = {
  // Class 0A — feature not supported
  feature_not_supported: { sqlstate: '0A000', http: 400 },
  // Class 08 — connection / protocol
  protocol_violation: { sqlstate: '08P01', http: 400 },
  // Class 22 — data exception
  data_exception: { sqlstate: '22000', http: 400 },
  string_data_right_truncation: { sqlstate: '22001', http: 400 },
  numeric_value_out_of_range: { sqlstate: '22003', http: 400 },
  null_value_not_allowed: { sqlstate: '22004', http: 400 },
  invalid_datetime_format: { sqlstate: '22007', http: 400 },
  datetime_field_overflow: { sqlstate: '22008', http: 400 },
  division_by_zero: { sqlstate: '22012', http: 400 },
  invalid_parameter_value: { sqlstate: '22023', http: 400 },
  invalid_row_count_in_limit_clause: { sqlstate: '2201W', http: 400 },
  invalid_row_count_in_result_offset_clause: { sqlstate: '2201X', http: 400 },
  invalid_regular_expression: { sqlstate: '2201B', http: 400 },
  invalid_escape_sequence: { sqlstate: '22025', http: 400 },
  array_subscript_error: { sqlstate: '2202E', http: 400 },
  invalid_text_representation: { sqlstate: '22P02', http: 400 },
  invalid_binary_representation: { sqlstate: '22P03', http: 400 },
  untranslatable_character: { sqlstate: '22P05', http: 400 },
  cardinality_violation: { sqlstate: '21000', http: 400 },
  // Class 23 — integrity constraint violation
  not_null_violation: { sqlstate: '23502', http: 409 },
  unique_violation: { sqlstate: '23505', http: 409 },
  // Class 25 / 26 / 28 / 3D
  active_sql_transaction: { sqlstate: '25001', http: 400 },
  in_failed_sql_transaction: { sqlstate: '25P02', http: 400 },
  invalid_sql_statement_name: { sqlstate: '26000', http: 400 },
  invalid_cursor_name: { sqlstate: '34000', http: 400 },
  invalid_password: { sqlstate: '28P01', http: 401 },
  invalid_authorization_specification: { sqlstate: '28000', http: 401 },
  invalid_catalog_name: { sqlstate: '3D000', http: 404 },
  // Class 42 — syntax error or access rule violation
  syntax_error: { sqlstate: '42601', http: 400 },
  undefined_table: { sqlstate: '42P01', http: 404 },
  undefined_column: { sqlstate: '42703', http: 400 },
  undefined_function: { sqlstate: '42883', http: 400 },
  undefined_parameter: { sqlstate: '42P02', http: 400 },
  undefined_object: { sqlstate: '42704', http: 400 },
  duplicate_table: { sqlstate: '42P07', http: 409 },
  duplicate_column: { sqlstate: '42701', http: 400 },
  duplicate_alias: { sqlstate: '42712', http: 400 },
  ambiguous_column: { sqlstate: '42702', http: 400 },
  ambiguous_function: { sqlstate: '42725', http: 400 },
  datatype_mismatch: { sqlstate: '42804', http: 400 },
  invalid_recursion: { sqlstate: '42P19', http: 400 },
  grouping_error: { sqlstate: '42803', http: 400 },
  windowing_error: { sqlstate: '42P20', http: 400 },
  invalid_column_reference: { sqlstate: '42P10', http: 400 },
  invalid_table_definition: { sqlstate: '42P16', http: 400 },
  cannot_coerce: { sqlstate: '42846', http: 400 },
  indeterminate_datatype: { sqlstate: '42P18', http: 400 },
  invalid_parameter_count: { sqlstate: '08P01', http: 400 },
  // Class 53 / 54 / 57 — resources and operator intervention
  out_of_memory: { sqlstate: '53200', http: 503 },
  program_limit_exceeded: { sqlstate: '54000', http: 400 },
  statement_too_complex: { sqlstate: '54001', http: 400 },
  too_many_columns: { sqlstate: '54011', http: 400 },
  too_many_arguments: { sqlstate: '54023', http: 400 },
  query_canceled: { sqlstate: '57014', http: 408 },
  admin_shutdown: { sqlstate: '57P01', http: 503 },
  // Class XX — internal error: a user should not be able to trigger one
  internal_error: { sqlstate: 'XX000', http: 500 },
  io_error: { sqlstate: '58030', http: 500 },
  // Appended for the wire protocol (protocol/pg).
  duplicate_prepared_statement: { sqlstate: '42P05', http: 409 },
  duplicate_cursor: { sqlstate: '42P03', http: 409 },
  character_not_in_repertoire: { sqlstate: '22021', http: 400 },
  // Appended for the scalar function library (query/functions).
  invalid_argument_for_logarithm: { sqlstate: '2201E', http: 400 },
  invalid_argument_for_power_function: { sqlstate: '2201F', http: 400 },
  invalid_argument_for_width_bucket_function: { sqlstate: '2201G', http: 400 },
  substring_error: { sqlstate: '22011', http: 400 },
  // Appended for COPY (query/statements/copy-from.ts).
  bad_copy_file_format: { sqlstate: '22P04', http: 400 },
  // Appended for versions and anti-entropy (src/cluster/version, src/cluster/antientropy).
  clock_drift_exceeded: { sqlstate: '58000', http: 503 },
  invalid_causal_context: { sqlstate: '22023', http: 400 },
  replica_data_corrupted: { sqlstate: 'XX001', http: 500 },
  // Appended for transaction blocks (query/session/transaction.ts, storage/write-set.ts).
  serialization_failure: { sqlstate: '40001', http: 409 },
  invalid_savepoint_specification: { sqlstate: '3B001', http: 400 },
  no_active_sql_transaction: { sqlstate: '25P01', http: 400 },
  // Appended for node-to-node RPC (src/cluster/rpc): peer connection failures are class 08,
  // a full send queue is class 53 (insufficient resources).
  peer_unavailable: { sqlstate: '08006', http: 503 },
  peer_timeout: { sqlstate: '08006', http: 504 },
  peer_auth_failed: { sqlstate: '08004', http: 503 },
  peer_overloaded: { sqlstate: '53000', http: 503 },
  // Appended for the linearizable register (src/cluster/consensus): a minority side refuses
  // (57P03, cannot serve now), and a write whose fate is unknown says so (40003).
  quorum_unavailable: { sqlstate: '57P03', http: 503 },
  statement_completion_unknown: { sqlstate: '40003', http: 504 },
  // Appended for the cluster catalog (src/cluster/catalog): DDL committed to the catalog that
  // some live node has not applied yet (object not in prerequisite state), and a node that has
  // not joined its cluster yet refusing to decide for it.
  catalog_propagation_incomplete: { sqlstate: '55000', http: 503 },
  cluster_not_joined: { sqlstate: '57P03', http: 503 },
  // Appended for replicated writes (src/cluster/replication): a write committed on its coordinator
  // that did not reach W replicas in time (57P03: the cluster cannot serve the quorum now).
  replication_incomplete: { sqlstate: '57P03', http: 503 },
  // query/catalog (object-reference casts, arrays as text)
  wrong_object_type: { sqlstate: '42809', http: 400 },
  invalid_schema_name: { sqlstate: '3F000', http: 400 },
  invalid_name: { sqlstate: '42602', http: 400 },
  // Appended for cluster administration (eon node remove): only a member held dead can be removed.
  member_not_removable: { sqlstate: '55000', http: 409 },
  // namestore (src/namestore): release of a name nobody holds, or with another holder's token
  name_not_registered: { sqlstate: '42704', http: 404 },
  name_not_holder: { sqlstate: '42501', http: 403 },
  // a name lost every ballot to concurrent proposers: 503, since 409 on /v1/names means "already taken"
  name_contended: { sqlstate: '40001', http: 503 },
  // Appended for DEFAULT, sequences and CHECK (query/statements/sequences.ts, column-rules.ts).
  check_violation: { sqlstate: '23514', http: 409 },
  sequence_generator_limit_exceeded: { sqlstate: '2200H', http: 400 },
  object_not_in_prerequisite_state: { sqlstate: '55000', http: 400 },
  generated_always: { sqlstate: '428C9', http: 400 },
  dependent_objects_still_exist: { sqlstate: '2BP01', http: 409 },
  duplicate_object: { sqlstate: '42710', http: 409 },
  // Appended for views (query/statements/views.ts): a view whose definition reaches itself.
  invalid_object_definition: { sqlstate: '42P17', http: 400 },
  // Roles and privileges (query/statements/roles.ts, query/session/privileges.ts).
  insufficient_privilege: { sqlstate: '42501', http: 403 },
  reserved_name: { sqlstate: '42939', http: 400 },
  object_in_use: { sqlstate: '55006', http: 409 },
  invalid_grant_operation: { sqlstate: '0LP01', http: 400 },
  // The key-value surface (src/kv/): a table used as a KV table that does not have its shape.
  kv_table_shape: { sqlstate: '42809', http: 409 },
} as const satisfies Record<string, { sqlstate: string; http: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorExtras {
  /** 1-based character position in the statement text, as PostgreSQL reports it. */
  position?: number;
  detail?: string;
  hint?: string;
  /** Where the error arose, e.g. the COPY input line (PostgreSQL's CONTEXT). */
  where?: string;
  cause?: unknown;
}

/** An error a user can see. Anything else that escapes is reported as internal_error. */
export class EonError extends Error {
  readonly code: ErrorCode;
  readonly sqlstate: string;
  readonly httpStatus: number;
  readonly position: number | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly where: string | undefined;

  constructor(code: ErrorCode, message: string, extras: ErrorExtras = {}) {
    super(message, extras.cause === undefined ? undefined : { cause: extras.cause });
    this.name = 'EonError';
    this.code = code;
    this.sqlstate = ERROR_CODES[code].sqlstate;
    this.httpStatus = ERROR_CODES[code].http;
    this.position = extras.position;
    this.detail = extras.detail;
    this.hint = extras.hint;
    this.where = extras.where;
  }
}

/** Shorthand for `new EonError(...)` where a throw expression reads better. */
export function eonError(code: ErrorCode, message: string, extras?: ErrorExtras): EonError {
  return new EonError(code, message, extras);
}

/** Turns anything thrown into an EonError; unknown failures become internal errors. */
export function toEonError(e: unknown): EonError {
  if (e instanceof EonError) return e;
  if (e instanceof RangeError && /memory|allocation|Array buffer/i.test(e.message)) {
    return new EonError('out_of_memory', `out of memory: ${e.message}`, { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new EonError('internal_error', `internal error: ${message}`, { cause: e });
}
