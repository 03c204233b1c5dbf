import type { Logger } from '../logger.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { JobQueue } from '../ports/job-queue.ts';
import type { Store } from '../ports/store.ts';

/** Who is asking. Every service call is scoped to the viewer's tenant. */
export interface Viewer {
  tenantId: string;
}

/** Checks a `provider:model` string against the deployment's providers. */
export interface ModelValidator {
  /** Throws `BadUserInputError` for a malformed string or an unknown provider or model. */
  validate(model: string): void;
}

export interface ServiceLimits {
  /** Longest accepted prompt, in characters. */
  maxPromptChars: number;
  /** `maxTurns` of a workflow created without one. */
  defaultMaxTurns: number;
  /** How long `cancelRun` waits for the worker's terminal event before ending the run itself. */
  cancelGraceMs: number;
}

export interface ServiceDeps {
  store: Store;
  bus: EventBus;
  queue: JobQueue;
  models: ModelValidator;
  limits: ServiceLimits;
  logger: Logger;
}
