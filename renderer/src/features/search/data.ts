// What the search view asks the engine.
import { query } from '../../store/query.ts';

export const searchCalls = query('search:calls');
