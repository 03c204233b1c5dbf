import { describe, expect, it } from 'vitest';
import { createLocalTrust } from './local-trust.ts';

describe('local trust', () => {
  it('holds only while eligible and no token is stored, and ends for good once one is', async () => {
    let tokens = 0;
    const trust = createLocalTrust({
      eligible: true,
      tokens: { countActive: async () => tokens },
      cacheMs: 0,
    });
    expect(await trust.isSingleUserLocal()).toBe(true);
    tokens = 1;
    expect(await trust.isSingleUserLocal()).toBe(false);
    tokens = 0;
    expect(await trust.isSingleUserLocal()).toBe(false);
    const ineligible = createLocalTrust({
      eligible: false,
      tokens: { countActive: async () => 0 },
    });
    expect(await ineligible.isSingleUserLocal()).toBe(false);
  });
});
