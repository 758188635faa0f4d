// Per-episode upstream keys: unguessable, recognizable, one per episode.
import { randomBytes } from 'node:crypto';

export function mintEpisodeKey(): string {
  return `sk-sess-${randomBytes(24).toString('base64url')}`;
}

export function mintToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
