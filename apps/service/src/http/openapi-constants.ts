/** Name of the bearer scheme in the OpenAPI document. */
export const BEARER_SCHEME = 'api-key';
