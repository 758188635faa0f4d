// What the session, turn and diff views ask the engine: turns, their calls with the request as
// sent, the logs of a turn's time, its alerts, and restarting or closing a session.
import { query } from '../../store/query.ts';

export const getTurn = query('turns:get');
export const listTurns = query('turns:list');
export const listEpisodes = query('episodes:list');
export const listCalls = query('calls:list');
export const getCall = query('calls:get');
export const logsBetween = query('logs:range');
export const listAlerts = query('alerts:list');
export const restartSession = query('sessions:restart');
export const closeSession = query('sessions:close');
