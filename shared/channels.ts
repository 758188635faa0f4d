// Channel names alone, with no dependency: what the sandboxed preload bundles into its allow-list.
// shared/api.ts checks at compile time that these are exactly its declared channels.

export const INVOKE_CHANNEL_NAMES = [
  'app:info',
  'settings:get',
  'settings:set',
  'config:get',
  'config:set',
  'config:test-upstream',
  'sessions:list',
  'sessions:create',
  'sessions:close',
  'sessions:restart',
  'gateways:config',
  'logs:recent',
  'logs:range',
  'episodes:list',
  'episodes:start',
  'episodes:end',
  'turns:list',
  'turns:get',
  'turns:send',
  'calls:list',
  'calls:get',
  'rewards:list',
  'rewards:set',
  'rewards:undo',
  'alerts:list',
  'lab:list',
  'lab:run',
] as const;

export const EVENT_CHANNEL_NAMES = [
  'sessions:changed',
  'episodes:changed',
  'turns:changed',
  'calls:recorded',
  'rewards:changed',
  'alerts:raised',
  'logs:chunk',
  'config:changed',
  'notices:raised',
] as const;
