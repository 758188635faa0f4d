// Data in and out of the workbench: importing an exported trajectory file.
import { HttpError } from '../http/errors.ts';
import { ImportError } from '../imports/formats.ts';
import { importTrajectories } from '../imports/importer.ts';
import type { Workbench } from '../workbench.ts';
import type { ApiHandlers } from './handlers.ts';

export function dataHandlers(wb: Workbench): Pick<ApiHandlers, 'data:import'> {
  return {
    'data:import': (req) => {
      try {
        const result = importTrajectories(wb, req.name, req.content);
        wb.sessions.notify(result.sessionKey);
        return result;
      } catch (err) {
        if (err instanceof ImportError) throw new HttpError(400, `${req.name}: ${err.message}`);
        throw err;
      }
    },
  };
}
