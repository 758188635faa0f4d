// What the export dialog asks the engine: what an export with these choices would write.
import { query } from '../../store/query.ts';

export const exportPreview = query('data:export-preview');
