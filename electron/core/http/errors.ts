// One error type for every HTTP surface: a status, a message the user can act on, and a type.
import type { ServerResponse } from 'node:http';
import type { ErrorType } from '../../../shared/errors.ts';
import type { ErrorBody } from '../../../shared/wire/areal.ts';
import type { Sink } from './sink.ts';

export class HttpError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  constructor(status: number, message: string, type: ErrorType = defaultType(status)) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

function defaultType(status: number): ErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 410) return 'gone';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 502) return 'upstream_error';
  if (status === 504) return 'upstream_timeout';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export function errorBody(message: string, type: ErrorType): ErrorBody {
  return { error: { message, type } };
}

/** Writes an error as JSON; unexpected errors become a plain 500 with no stack in the body. */
export function sendError(res: ServerResponse, err: unknown): void {
  const e = err instanceof HttpError ? err : new HttpError(500, 'internal error', 'server_error');
  if (!(err instanceof HttpError))
    process.emitWarning(`trajscope: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, e.status, errorBody(e.message, e.type));
}

export function sendJson(res: Sink, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}
