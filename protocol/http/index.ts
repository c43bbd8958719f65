// The REST API: JSON and Arrow query results over fastify.
export { createHttpServer } from './server.js';
export type { HttpServer, HttpServerOptions } from './server.js';
export type { CatalogSource, TableJson } from './catalog.js';
export { resultToJson, encoderFor } from './json-result.js';
export { resultToArrow, ARROW_DECIMAL_PRECISION_MAX } from './arrow-result.js';
export { paramsToValues } from './params.js';
export type { JsonParam } from './params.js';
export { httpFailure, errorBody } from './error-body.js';
export type { ErrorBody, HttpFailure } from './error-body.js';
export { authenticate, REST_USER_DEFAULT, REST_DATABASE } from './auth.js';
export * from './limits.js';
