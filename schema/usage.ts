import type { RunError, Usage as UsageShape } from '../shared/domain/types.ts';
import { builder } from './builder.ts';

export const Usage = builder.objectRef<UsageShape>('Usage').implement({
  description: 'Tokens consumed by model calls.',
  fields: (t) => ({
    inputTokens: t.exposeInt('inputTokens', { description: 'Tokens sent to the model.' }),
    outputTokens: t.exposeInt('outputTokens', { description: 'Tokens the model produced.' }),
    totalTokens: t.exposeInt('totalTokens', { description: 'Input plus output tokens.' }),
  }),
});

export const RunErrorRef = builder.objectRef<RunError>('RunError').implement({
  description: 'Why a run failed.',
  fields: (t) => ({
    code: t.exposeString('code', {
      description: 'Stable SCREAMING_SNAKE code, e.g. PROVIDER_RATE_LIMITED or WORKER_LOST.',
    }),
    message: t.exposeString('message', { description: 'What went wrong, for people.' }),
  }),
});
