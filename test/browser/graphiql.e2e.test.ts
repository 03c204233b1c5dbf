import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GRAPHIQL_EXAMPLE } from '../../server/graphiql.ts';
import { type EmbeddedGateway, startEmbeddedGateway } from '../clients/support/embedded-gateway.ts';

/**
 * GraphiQL in Chromium with every request to anywhere but the gateway cut off, as offline or
 * behind a proxy: it must load, open on the Agentgate example and run it to a streamed run.
 * Screenshots land in `test-results/graphiql/`.
 */

/** Where Chromium is; `.ci/run` installs Debian's `chromium` package there. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/graphiql/', import.meta.url));
/** How long the page may take to show what a step waits for, in ms. */
const UI_TIMEOUT_MS = 20_000;

let gateway: EmbeddedGateway;
let browser: Browser;
let page: Page;
/** Requests the page tried to send anywhere but the gateway. */
const outside: string[] = [];
/** Uncaught errors and console errors (CSP violations among them). */
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install Debian's "chromium" package (.ci/run does), or set CHROMIUM_PATH.`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  // `npm start` as a newcomer runs it: loopback, no token.
  gateway = await startEmbeddedGateway('gateway for GraphiQL', { auth: false });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  const host = new URL(gateway.url).host;
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.host === host) return route.continue();
    outside.push(url.href);
    return route.abort('internetdisconnected');
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(async () => {
    await page?.screenshot({ path: `${SCREENSHOTS}failure.png`, fullPage: true }).catch(() => {});
    console.error(
      `Problems: ${problems.join('\n')}\nGateway output:\n${gateway?.process.output()}`,
    );
  });
});

/** The response pane's text (Monaco renders spaces as no-break spaces). */
const responseText = async () =>
  ((await page.textContent('.graphiql-response')) ?? '').replace(/\u00a0/g, ' ');

/** Replaces the variables, runs the named operation of the example and waits for `until`. */
async function run(operation: string, variables: Record<string, string>, until: string) {
  await page.click('.graphiql-editor-tool .monaco-editor');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(JSON.stringify(variables));
  await page.click('.graphiql-execute-button');
  await page.click(`[role=menuitem]:has-text("${operation}")`);
  await page.waitForFunction(
    (text) => document.querySelector('.graphiql-response')?.textContent?.includes(text),
    until,
  );
  return responseText();
}

const idIn = (response: string) => /"id": "([\w-]+)"/.exec(response)?.[1] ?? '';

describe('GraphiQL at /graphql in Chromium, with the network cut off', () => {
  it('loads from the gateway alone and opens on the Agentgate example', async () => {
    await page.goto(`${gateway.url}/graphql`);
    await page.waitForSelector('text=mutation CreateAgent');
    // The editor renders only the lines in view; the whole document is in GraphiQL's tab state.
    const tabs = await page.evaluate(() => localStorage.getItem('graphiql:tabState'));
    const [tab] = (JSON.parse(tabs ?? '{}') as { tabs?: { query: string }[] }).tabs ?? [];
    expect(tab?.query).toBe(GRAPHIQL_EXAMPLE);
    await page.screenshot({ path: `${SCREENSHOTS}1-example.png` });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('runs the example in order and streams the run over SSE to its last status', async () => {
    const agentId = idIn(await run('CreateAgent', {}, '"createAgent"'));
    const workflowId = idIn(await run('CreateWorkflow', { agentId }, '"createWorkflow"'));
    const runId = idIn(await run('SendPrompt', { workflowId }, '"sendPrompt"'));
    const last = await run('WatchRun', { runId }, '"SUCCEEDED"');
    await page.screenshot({ path: `${SCREENSHOTS}2-run.png` });
    expect([agentId, workflowId, runId].every((id) => id.length > 0)).toBe(true);
    expect(last).toContain('"__typename": "RunStatusEvent"');
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });
});
