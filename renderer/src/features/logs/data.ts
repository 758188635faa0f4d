// What the log terminal asks the engine: a session's recent gateway log lines.
import { query } from '../../store/query.ts';

export const recentLogs = query('logs:recent');
