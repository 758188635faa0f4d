// Request bodies read with a hard size limit and checked before any state is touched.
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../../../shared/json-depth.ts';
import { describeZodError } from '../../../shared/schemas.ts';
import { HttpError } from './errors.ts';

/** Reads the whole body, refusing (413) anything over `limit` bytes without buffering it all. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new HttpError(413, `request body is ${declared} bytes; the limit is ${limit}`));
  }
  // events rather than an async iterator: this runs for every request, and the iterator costs more
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done();
        req.resume();
        reject(new HttpError(413, `request body exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    const onClose = () => onError(new Error('the client went away before the body was complete'));
    const done = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    if (req.readableEnded) return resolve(Buffer.alloc(0));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** What the header checks read: a server's request, or an in-process one. */
export interface WithHeaders {
  headers: Record<string, string | string[] | undefined>;
}

export function requireJsonType(req: WithHeaders): void {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, `content-type must be application/json (got ${type ? `"${type}"` : 'none'})`);
  }
}

/** Parses JSON bytes; an empty body counts as `{}` so body-less POSTs work. */
export function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) return {};
  if (jsonTooDeep(bytes)) throw new HttpError(400, `JSON body nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `malformed JSON body: ${(err as Error).message}`);
  }
}

export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, describeZodError(result.error));
  return result.data;
}

/** Reads, type-checks, parses and validates a JSON body in one step. */
export async function readJson<S extends z.ZodType>(
  req: IncomingMessage,
  limit: number,
  schema: S,
): Promise<z.output<S>> {
  const bytes = await readBody(req, limit);
  if (bytes.length > 0) requireJsonType(req);
  return validate(schema, parseJson(bytes));
}

/** The password of HTTP Basic auth (what httpx sends for the userinfo of an address), if any. */
export function basicPassword(req: IncomingMessage): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : decoded.slice(i + 1);
}

export function bearerToken(req: WithHeaders): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}
