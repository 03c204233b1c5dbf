import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ worker: false });
});
afterAll(async () => {
  await t.close();
});

const get = (path: string) => t.app.fetch(`http://agentgate.test${path}`);

describe('the web console at /console', () => {
  it('serves its page, stylesheet and script, the page locked to this origin', async () => {
    const page = await get('/console');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('/console/console.js');
    expect(html).toContain('/console/console.css');

    const css = await get('/console/console.css');
    expect(css.headers.get('content-type')).toContain('text/css');

    const js = await get('/console/console.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    const source = await js.text();
    // The SDK and its documents are bundled in; the whole console stays small.
    expect(source).toContain('subscription RunEvents');
    expect(source.length).toBeLessThan(100 * 1024);
  }, 30_000);

  it('answers 404 for anything else under /console', async () => {
    expect((await get('/console/nope.js')).status).toBe(404);
    expect((await get('/console/')).status).toBe(200);
  });

  it('loads without a token where the API requires one: its API calls carry the token', async () => {
    const secured = await createTestApp({ worker: false, auth: true });
    try {
      const page = await secured.app.fetch('http://agentgate.test/console');
      expect(page.status).toBe(200);
      const api = await secured.gql('{ agents { edges { cursor } } }');
      expect(api.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await secured.close();
    }
  });
});
