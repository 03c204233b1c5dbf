import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePorts, type ManagedProcess, startProcess } from '../e2e/support/processes.ts';

/**
 * The web console in a real browser: Debian's Chromium driven by playwright-core against
 * `npm start` (the embedded gateway as its own process). Screenshots land in
 * `test-results/console/`.
 */

/** Where Chromium is; `.ci/run` installs Debian's `chromium` package there. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/console/', import.meta.url));
/** How long the page may take to show what a step waits for, in ms. */
const UI_TIMEOUT_MS = 15_000;

const dataDir = mkdtempSync(join(tmpdir(), 'agentgate-console-'));
let gateway: ManagedProcess;
let baseUrl: string;
let browser: Browser;
let page: Page;

async function startEmbedded(): Promise<void> {
  const [port] = (await freePorts(1)) as [number];
  gateway = startProcess('embedded', 'server/embedded.ts', {
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    if (!gateway.isRunning() || Date.now() > deadline) {
      throw new Error(`npm start did not become ready:\n${gateway.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install Debian's "chromium" package (.ci/run does), or set CHROMIUM_PATH.`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  await startEmbedded();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(UI_TIMEOUT_MS);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const pageErrors: string[] = [];
beforeEach(({ onTestFailed }) => {
  onTestFailed(async () => {
    await page?.screenshot({ path: `${SCREENSHOTS}failure.png`, fullPage: true }).catch(() => {});
    console.error(`Page errors: ${pageErrors.join('\n')}\nGateway output:\n${gateway?.output()}`);
  });
});

const byTestId = (id: string) => `[data-testid="${id}"]`;

/** Records every text the run output shows, as it changes. */
async function recordOutput(): Promise<void> {
  await page.evaluate((selector) => {
    const output = document.querySelector(selector)!;
    const seen: string[] = [];
    (window as unknown as { outputs: string[] }).outputs = seen;
    new MutationObserver(() => {
      const text = output.textContent ?? '';
      if (text && text !== seen.at(-1)) seen.push(text);
    }).observe(output, { childList: true, subtree: true, characterData: true });
  }, byTestId('run-output'));
}

const recordedOutputs = () =>
  page.evaluate(() => (window as unknown as { outputs: string[] }).outputs);

describe('the web console at /console, in Chromium', () => {
  it('creates a demo:echo agent and a workflow, and streams an answer word by word', async () => {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${baseUrl}/console`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.screenshot({ path: `${SCREENSHOTS}1-empty.png`, fullPage: true });

    await page.fill(byTestId('agent-name'), 'Echo');
    await page.fill(byTestId('agent-model'), 'demo:echo');
    await page.fill(byTestId('agent-system-prompt'), 'You echo.');
    await page.click(byTestId('create-agent'));
    await page.waitForSelector(`${byTestId('agent-item')}:has-text("Echo")`);

    await page.fill(byTestId('workflow-title'), 'Browser test');
    await page.click(byTestId('create-workflow'));
    await page.waitForSelector(`${byTestId('workspace')}:not([hidden])`);
    expect(await page.textContent(byTestId('workflow-heading'))).toContain('Browser test');
    expect(await page.locator(byTestId('workflow-item')).count()).toBe(1);

    await recordOutput();
    const words = ['echo:', 'hello', 'from', 'a', 'real', 'browser'];
    await page.fill(byTestId('prompt'), '!delay 150\nhello from a real browser');
    await page.click(byTestId('send-prompt'));
    await page.waitForFunction(
      () => ((window as unknown as { outputs: string[] }).outputs ?? []).length >= 3,
    );
    await page.screenshot({ path: `${SCREENSHOTS}2-streaming.png`, fullPage: true });
    await page.waitForSelector(`${byTestId('run-status')}[data-status="SUCCEEDED"]`);

    const answer = words.join(' ');
    expect(await page.textContent(byTestId('run-output'))).toBe(answer);
    // The answer grew a word at a time: every text shown was a longer run of whole words.
    const outputs = await recordedOutputs();
    expect(outputs.at(-1)).toBe(answer);
    expect(outputs.length).toBeGreaterThanOrEqual(words.length - 1);
    for (const [i, text] of outputs.entries()) {
      expect(`${answer} `.startsWith(text)).toBe(true);
      if (i > 0) expect(text.length).toBeGreaterThan(outputs[i - 1]!.length);
    }
    expect(await page.textContent(byTestId('run-usage'))).toMatch(/\d+ total/);

    // The history shows the conversation and the run.
    await page.waitForFunction(
      (selector) => document.querySelectorAll(selector).length === 2,
      byTestId('history-message'),
    );
    const messages = await page.locator(byTestId('history-message')).allTextContents();
    expect(messages[0]).toContain('USER');
    expect(messages[1]).toContain(answer);
    expect(await page.locator(byTestId('history-run')).allTextContents()).toEqual([
      expect.stringContaining('SUCCEEDED'),
    ]);
    await page.screenshot({ path: `${SCREENSHOTS}3-answered.png`, fullPage: true });
  }, 60_000);

  it('cancels a slow run and shows it CANCELLED', async () => {
    await page.fill(byTestId('prompt'), '!delay 200\n!words 100');
    await page.click(byTestId('send-prompt'));
    await page.waitForSelector(`${byTestId('run-output')}:has-text("w2")`);
    await page.waitForSelector(`${byTestId('cancel-run')}:not([disabled])`);
    await page.click(byTestId('cancel-run'));
    await page.waitForSelector(`${byTestId('run-status')}[data-status="CANCELLED"]`);
    expect(await page.textContent(byTestId('run-output'))).not.toContain('w100');
    await page.waitForSelector(`${byTestId('history-run')}:has-text("CANCELLED")`);
    expect(await page.isDisabled(byTestId('cancel-run'))).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}4-cancelled.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
