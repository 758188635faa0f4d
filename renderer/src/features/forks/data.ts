// What the fork panel asks the engine: a call's forks, and sending a new one.
import { query } from '../../store/query.ts';

export const listForks = query('calls:forks');
export const forkCall = query('calls:fork');
