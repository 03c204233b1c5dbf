import { describe, expect, it } from 'vitest';
import { checkDependencies, NotReadyError, unreadyBody } from './readiness.ts';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('readiness', () => {
  it('resolves when every service answers', async () => {
    await expect(
      checkDependencies({ store: async () => 1, queue: async () => 'PONG' }),
    ).resolves.toBeUndefined();
  });

  it('names the services that failed or did not answer in time, with reasons for the log only', async () => {
    const error = await rejection(
      checkDependencies(
        {
          store: async () => {},
          queue: () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:6379')),
          events: () => new Promise(() => {}),
        },
        50,
      ),
    );
    expect(error).toBeInstanceOf(NotReadyError);
    expect((error as NotReadyError).checks).toEqual({
      store: 'ok',
      queue: 'unavailable',
      events: 'unavailable',
    });
    expect((error as Error).message).toBe(
      'not ready: queue (connect ECONNREFUSED 10.1.2.3:6379), events (no answer within 50 ms)',
    );
    const body = unreadyBody(error);
    expect(body).toEqual({
      status: 'unavailable',
      checks: { store: 'ok', queue: 'unavailable', events: 'unavailable' },
    });
    expect(JSON.stringify(body)).not.toMatch(/10\.1\.2\.3|ECONNREFUSED/);
  });

  it('answers only "unavailable" for any other failure', () => {
    expect(unreadyBody(new Error('password authentication failed for user "agentgate"'))).toEqual({
      status: 'unavailable',
    });
  });
});
