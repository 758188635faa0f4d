// Every kind of error an engine surface answers with, spelled once: the `type` of an HTTP error
// body and of an invoke error. A producer names one of these; clients branch on them safely.
export const ERROR_TYPES = [
  // by status, when nothing more precise applies
  'invalid_request_error',
  'authentication_error',
  'not_found',
  'conflict',
  'gone',
  'payload_too_large',
  'unsupported_media_type',
  'server_error',
  // auth and access
  'unauthorized',
  'forbidden',
  'other_run',
  'host_not_allowed',
  'method_not_allowed',
  // sessions and turns
  'no_open_episode',
  'episode_ended',
  'external_session',
  'session_closed',
  'turn_cancelled',
  'read_only',
  'runtime_error',
  'gateway_crashed',
  // the model upstream
  'upstream_error',
  'upstream_timeout',
  'upstream_unreachable',
  'upstream_too_large',
  'upstream_loop',
  // storage
  'storage_error',
  'storage_damaged',
  'storage_full',
  // the desktop's export
  'export_failed',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];
