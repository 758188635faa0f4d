// What the replay and comparison views ask the engine.
import { query } from '../../store/query.ts';

export const compareEpisodes = query('episodes:compare');
export const replayEpisode = query('episodes:replay');
