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
  'data:import',
  'data:export-preview',
  'search:calls',
  'data:stats',
  'progress:list',
  'data:prune',
  'data:vacuum',
  'lab:list',
  'lab:run',
  'lab:clear',
  'upstreams:list',
  'calls:fork',
  'calls:forks',
  'episodes:replay',
  'episodes:compare',
  'groups:start',
  'groups:list',
  'groups:get',
] as const;

export const EVENT_CHANNEL_NAMES = [
  'sessions:changed',
  'sessions:removed',
  'episodes:changed',
  'turns:changed',
  'calls:recorded',
  'rewards:changed',
  'alerts:raised',
  'logs:chunk',
  'config:changed',
  'notices:raised',
  'gateways:stats',
  'progress:changed',
  'engine:health',
] as const;

/** The IPC channels between the preload and the desktop's main process. */
export const IPC = {
  invoke: 'trajscope:invoke',
  events: 'trajscope:events',
  /** An export written where the user picks in the main process's save dialog (the desktop's download). */
  saveExport: 'trajscope:save-export',
  /** Main → window: open a view (a trajscope:// deep link the OS handed to the app). */
  navigate: 'trajscope:navigate',
} as const;
