// What a handler of each invoke channel takes and answers (the channel's schema output, its
// response), apart from handlers.ts so that each handler group can name it without a circle.
import type { z } from 'zod';
import type { InvokeChannel, InvokeResponse, invokeRequests } from '../../../shared/api.ts';

export type ApiHandlers = {
  [K in InvokeChannel]: (req: z.output<(typeof invokeRequests)[K]>) => Promise<InvokeResponse<K>> | InvokeResponse<K>;
};
