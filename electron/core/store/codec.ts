// Large recorded bodies are stored deflated: a request replays the whole conversation so far (and
// an OpenClaw request carries its whole system prompt and tool list: 12–62 KB in the captures), so
// bodies are most of a data dir. Measured in bench/RESULTS.md (`bench -- store`). Small bodies stay
// as sent: for them a zlib stream's set-up costs more CPU on the turn's path than the bytes saved
// are worth (≈ 10 % of the turn throughput at AReaL-shaped 1–5 KB turns). The bytes come back
// exactly as they were sent.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** Bodies shorter than this are stored as they are. */
const MIN_BYTES = 8192;
export type Codec = 'deflate' | null;

export function pack(bytes: Buffer): { data: Buffer; codec: Codec } {
  if (bytes.length < MIN_BYTES) return { data: bytes, codec: null };
  return { data: deflateRawSync(bytes, { level: 1 }), codec: 'deflate' };
}

export function unpack(data: Uint8Array | string | null | undefined, codec: string | null | undefined): Buffer {
  if (data === null || data === undefined) return Buffer.alloc(0);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return codec === 'deflate' ? inflateRawSync(data) : Buffer.from(data);
}
