import type { ApiRequestError } from 'twitter-api-v2';

/**
 * The network error beneath a twitter-api-v2 `ApiRequestError` (a refused connection, a timeout):
 * the one place that reads the library's internals. Version 1.29 stores it as `_options.error`
 * while its public `requestError` getter reads `_options.requestError`, which is never set; the
 * contract test (tests/adapters.test.ts) fails when a new version changes either.
 */
export function requestCause(err: ApiRequestError): Error | undefined {
  return err.requestError ?? (err as unknown as { _options?: { error?: Error } })._options?.error;
}
