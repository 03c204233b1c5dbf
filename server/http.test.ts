import { afterEach, describe, expect, it } from 'vitest';
import type { App } from './app.ts';
import { type HttpServer, listen } from './http.ts';

let http: HttpServer | undefined;
afterEach(async () => {
  await http?.close();
  http = undefined;
});

describe('listening before the app is ready', () => {
  it('answers "starting" until the app is served, then hands every request to it', async () => {
    http = await listen(null, '127.0.0.1', 0);
    const ready = await fetch(`${http.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('1');
    expect(await ready.json()).toMatchObject({ status: 'starting' });
    expect((await fetch(`${http.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${http.url}/graphql`, { method: 'POST', body: '{}' })).status).toBe(503);

    http.serve(((_request: unknown, response: { end(text: string): void }) => {
      response.end('served');
    }) as unknown as App);
    expect(await (await fetch(`${http.url}/readyz`)).text()).toBe('served');
  });

  it('says which port is taken', async () => {
    http = await listen(null, '127.0.0.1', 0);
    const port = Number(new URL(http.url).port);
    await expect(listen(null, '127.0.0.1', port)).rejects.toThrow(
      `Port ${port} on 127.0.0.1 is already in use`,
    );
  });
});
