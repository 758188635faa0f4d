// What the token view asks the engine: a call's tokens decoded, and the episode's calls to compare.
import { query } from '../../store/query.ts';

export const getCallTokens = query('calls:tokens');
export const listEpisodeCalls = query('calls:list');
