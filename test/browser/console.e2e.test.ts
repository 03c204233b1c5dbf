import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGraphQLClient, operation } from '../e2e/support/graphql-client.ts';
import { freePorts, type ManagedProcess, startProcess } from '../e2e/support/processes.ts';
import { startHttpFixture } from '../fixtures/mcp-fixture-server.ts';

/**
 * The web console in a real browser: Debian's Chromium driven by playwright-core against
 * `npm start` (the embedded gateway as its own process). Every screen is photographed at 1280 px
 * and at 360 px wide into `test-results/console/` (look at them after a change), and checked not
 * to scroll sideways at 360 and 320 px.
 */

/** Where Chromium is; `.ci/run` installs Debian's `chromium` package there. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/console/', import.meta.url));
/** How long the page may take to show what a step waits for, in ms. */
const UI_TIMEOUT_MS = 15_000;
/** How long `npm start` may take to answer /readyz, in ms (tsx compiles on the fly; CI is busy). */
const START_TIMEOUT_MS = 45_000;
const DESKTOP = { width: 1280, height: 900 };
/** The narrow width screenshots are taken at, in px. */
const NARROW_WIDTH = 360;
/** The narrowest width the console must work at without scrolling sideways, in px. */
const NARROWEST_WIDTH = 320;
/** The MCP fixture's tools are named `fx_echo`, `fx_add` …; `fx_echo` answers its arguments. */
const TOOL_PREFIX = 'fx_';

const dataDir = mkdtempSync(join(tmpdir(), 'agentgate-console-'));
let gateway: ManagedProcess;
let baseUrl: string;
let browser: Browser;
let page: Page;
let mcpFixture: Awaited<ReturnType<typeof startHttpFixture>>;

async function startEmbedded(): Promise<void> {
  const [port] = (await freePorts(1)) as [number];
  gateway = startProcess('embedded', 'server/embedded.ts', {
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
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
  mcpFixture = await startHttpFixture(TOOL_PREFIX);
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
  page = await browser.newPage({ viewport: DESKTOP });
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, START_TIMEOUT_MS + 30_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await mcpFixture?.close();
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

/** Resolves after the browser painted two frames: a resized page is drawn in full by then. */
const painted = () =>
  page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
      ),
  );

/**
 * Photographs the screen as it is at 1280 px and at 360 px (`<name>-1280.png`, `<name>-360.png`),
 * and checks the narrow layout: one column, and nothing wider than the window at 360 and 320 px.
 */
async function screens(name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await painted();
  await page.screenshot({ path: `${SCREENSHOTS}${name}-1280.png`, fullPage: true });
  for (const width of [NARROW_WIDTH, NARROWEST_WIDTH]) {
    await page.setViewportSize({ width, height: 800 });
    const layout = await page.evaluate((viewport) => {
      const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
      // Named in the failure message: the elements that stick out of the window on the right.
      const tooWide = [...document.querySelectorAll('body *')]
        .filter((element) => element.getBoundingClientRect().right > viewport + 0.5)
        .slice(0, 5)
        .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
      return {
        scrollWidth: document.documentElement.scrollWidth,
        tooWide,
        sidebarLeft: box('main > .sidebar').left,
        contentLeft: box('main > .content').left,
        sidebarBottom: box('main > .sidebar').bottom,
        contentTop: box('main > .content').top,
      };
    }, width);
    expect(
      layout.scrollWidth,
      `${name} at ${width} px scrolls sideways: ${layout.tooWide.join(', ')}`,
    ).toBeLessThanOrEqual(width);
    // One column: the workspace sits below the lists, not beside them.
    expect(layout.contentLeft).toBe(layout.sidebarLeft);
    expect(layout.contentTop).toBeGreaterThanOrEqual(layout.sidebarBottom);
    if (width === NARROW_WIDTH) {
      await painted();
      await page.screenshot({ path: `${SCREENSHOTS}${name}-${width}.png`, fullPage: true });
    }
  }
  await page.setViewportSize(DESKTOP);
}

/** True when the element shows all of its content: nothing cut off or hidden to the right. */
const showsAllOf = (selector: string) =>
  page.$eval(selector, (element) => element.scrollWidth <= element.clientWidth);

/** The `data-id` of the first element that matches. */
const idOf = async (selector: string) => (await page.getAttribute(selector, 'data-id'))!;

const CREATE_MCP_SERVER = operation<
  { createMcpServer: { id: string } },
  { input: { name: string; transport: 'HTTP'; url: string } }
>('mutation ($input: CreateMcpServerInput!) { createMcpServer(input: $input) { id } }');
const CREATE_AGENT = operation<
  { createAgent: { id: string } },
  { input: { name: string; model: string; systemPrompt: string; mcpServerIds: string[] } }
>('mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }');

describe('the web console at /console, in Chromium', () => {
  it('says where to start while there are no agents, workflows or runs', async () => {
    await page.goto(`${baseUrl}/console`);
    await page.waitForSelector('body[data-ready="true"]');

    expect(await page.isVisible(byTestId('agents-empty'))).toBe(true);
    expect(await page.textContent(byTestId('agents-empty'))).toContain('demo:echo');
    expect(await page.textContent(byTestId('workflows-empty'))).toContain('Create an agent first');
    expect(await page.isDisabled(byTestId('create-workflow'))).toBe(true);
    expect(await page.isVisible(byTestId('no-workflow'))).toBe(true);
    expect(await page.isVisible(byTestId('workspace'))).toBe(false);
    await screens('1-empty');

    // The preset fills the whole form with the demo agent.
    await page.click(byTestId('agent-preset'));
    expect(await page.inputValue(byTestId('agent-name'))).toBe('Echo');
    expect(await page.inputValue(byTestId('agent-model'))).toBe('demo:echo');
    expect(await page.inputValue(byTestId('agent-system-prompt'))).not.toBe('');
  }, 60_000);

  it('creates a demo:echo agent and a workflow, and streams an answer word by word', async () => {
    await page.goto(`${baseUrl}/console`);
    await page.waitForSelector('body[data-ready="true"]');

    await page.fill(byTestId('agent-name'), 'Echo');
    await page.fill(byTestId('agent-model'), 'demo:echo');
    await page.fill(byTestId('agent-system-prompt'), 'You echo.');
    await page.click(byTestId('create-agent'));
    await page.waitForSelector(`${byTestId('agent-item')}:has-text("Echo")`);
    expect(await page.inputValue(byTestId('workflow-agent'))).toBe(
      await idOf(byTestId('agent-item')),
    );
    expect(await page.isVisible(byTestId('agents-empty'))).toBe(false);
    expect(await page.textContent(byTestId('workflows-empty'))).toContain('pick the agent below');

    await page.fill(byTestId('workflow-title'), 'Browser test');
    await page.click(byTestId('create-workflow'));
    await page.waitForSelector(`${byTestId('workspace')}:not([hidden])`);
    expect(await page.textContent(byTestId('workflow-heading'))).toContain('Browser test');
    expect(await page.locator(byTestId('workflow-item')).count()).toBe(1);
    expect(await page.isVisible(byTestId('workflows-empty'))).toBe(false);
    expect(await page.isVisible(byTestId('no-workflow'))).toBe(false);
    expect(await page.textContent(byTestId('workflow-item'))).toContain('Echo');

    // No run yet: the hint lists the demo model's directives; a click adds one to the prompt.
    expect(await page.isVisible(byTestId('run-hint'))).toBe(true);
    expect(await page.locator(byTestId('directive-example')).allTextContents()).toEqual(
      expect.arrayContaining(['!delay 200', '!words 40', '!tool demo_echo {"text":"hi"}']),
    );
    await page.waitForSelector(byTestId('history-empty'));
    await page.click(`${byTestId('directive-example')}:has-text("!words 40")`);
    expect(await page.inputValue(byTestId('prompt'))).toBe('!words 40');
    await screens('2-selected');

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
    expect(await page.isVisible(byTestId('run-hint'))).toBe(false);
    // The run is named by its time; its id is only in the tooltip.
    const runId = (await page.getAttribute(byTestId('run-title'), 'data-run-id'))!;
    expect(await page.textContent(byTestId('run-title'))).not.toContain(runId);

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
    expect(await page.isVisible(byTestId('history-empty'))).toBe(false);
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
    // Never blank after a run: once it ended, the run as stored gives its usage.
    await page.waitForSelector(`${byTestId('run-usage')}[data-source="run"]`);
    expect(await page.textContent(byTestId('run-usage'))).toMatch(/^\d+ in · \d+ out · \d+ total$/);
    await screens('4-cancelled');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('picks a newly created agent for the next workflow and labels an untitled one readably', async () => {
    const echoId = await idOf(`${byTestId('agent-item')}:has-text("Echo")`);
    const name = 'Research assistant for the quarterly infrastructure capacity planning review';
    await page.fill(byTestId('agent-name'), name);
    await page.click(byTestId('create-agent'));
    const agent = `${byTestId('agent-item')}:has-text("Research assistant")`;
    await page.waitForSelector(agent);
    const agentId = await idOf(agent);
    // The new agent, not the one picked before, is the new workflow's agent.
    expect(await page.inputValue(byTestId('workflow-agent'))).toBe(agentId);
    expect(await page.getAttribute(agent, 'class')).toContain('selected');
    // Its name is shown whole, wrapped rather than clipped.
    expect(await page.textContent(`${agent} ${byTestId('agent-label')}`)).toBe(name);
    expect(await showsAllOf(`${agent} ${byTestId('agent-label')}`)).toBe(true);

    // A click on an agent picks it, too.
    await page.click(`[data-id="${echoId}"]`);
    expect(await page.inputValue(byTestId('workflow-agent'))).toBe(echoId);
    await page.click(agent);
    expect(await page.inputValue(byTestId('workflow-agent'))).toBe(agentId);

    await page.click(byTestId('create-workflow'));
    const untitled = `${byTestId('workflow-item')}.selected`;
    await page.waitForSelector(`${untitled}:has-text("Untitled")`);
    const label = `${untitled} ${byTestId('workflow-label')}`;
    expect(await page.textContent(label)).toMatch(new RegExp(`^Untitled · ${name} · .+\\d`));
    expect(await showsAllOf(label)).toBe(true);
    expect(await page.textContent(byTestId('workflow-heading'))).toBe(
      await page.textContent(label),
    );
    // No workflow is labelled by its id.
    for (const item of await page.locator(byTestId('workflow-item')).all()) {
      const id = (await item.getAttribute('data-id'))!;
      expect(await item.locator(byTestId('workflow-label')).textContent()).not.toContain(id);
    }
    // Another workflow's run is not shown under this one.
    expect(await page.isVisible(byTestId('run-hint'))).toBe(true);
    await screens('5-untitled');
  }, 60_000);

  it("shows a tool call's arguments and result as key: value lines or indented JSON", async () => {
    const api = createGraphQLClient(baseUrl);
    const { createMcpServer } = await api.execute(CREATE_MCP_SERVER, {
      input: { name: 'fixture', transport: 'HTTP', url: mcpFixture.url },
    });
    await api.execute(CREATE_AGENT, {
      input: {
        name: 'Tool user',
        model: 'demo:echo',
        systemPrompt: 'You use tools.',
        mcpServerIds: [createMcpServer.id],
      },
    });
    api.close();
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.click(`${byTestId('agent-item')}:has-text("Tool user")`);
    await page.fill(byTestId('workflow-title'), 'Tools');
    await page.click(byTestId('create-workflow'));
    await page.waitForSelector(`${byTestId('workflow-heading')}:has-text("Tools")`);

    const note = 'A long remark that must wrap inside its box. '.repeat(8).trim();
    const flat = { city: 'Paris', days: 3, metric: true, note };
    const nested = { query: { city: 'Paris', units: ['C', 'F'] }, limit: 5 };
    await page.fill(
      byTestId('prompt'),
      `!tool ${TOOL_PREFIX}echo ${JSON.stringify(flat)}\n!tool ${TOOL_PREFIX}echo ${JSON.stringify(nested)}`,
    );
    await page.click(byTestId('send-prompt'));
    await page.waitForSelector(`${byTestId('run-status')}[data-status="SUCCEEDED"]`);

    const calls = page.locator(`${byTestId('run-tools')} ${byTestId('tool-call')}`);
    expect(await calls.count()).toBe(2);
    for (const call of await calls.all()) {
      expect(await call.getAttribute('data-status')).toBe('SUCCEEDED');
      expect(await call.textContent()).toContain(`${TOOL_PREFIX}echo`);
    }
    // A flat object: one key: value line per key, its long string wrapped in full.
    const [first, second] = await calls.all();
    for (const part of ['tool-arguments', 'tool-result']) {
      const fields = first!.locator(`${byTestId(part)} .value-fields`);
      expect(await fields.locator('dt').allTextContents()).toEqual([
        'city',
        'days',
        'metric',
        'note',
      ]);
      expect(await fields.locator('dd').allTextContents()).toEqual(['Paris', '3', 'true', note]);
      expect(await fields.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(
        true,
      );
    }
    // Anything nested: indented JSON in a box of bounded height.
    for (const part of ['tool-arguments', 'tool-result']) {
      const json = second!.locator(`${byTestId(part)} pre.json`);
      expect(await json.textContent()).toBe(JSON.stringify(nested, null, 2));
      expect(await json.evaluate((element) => getComputedStyle(element).maxHeight)).toBe('240px');
    }
    // The stored conversation shows the same calls the same way.
    await page.waitForFunction(
      (selector) => document.querySelectorAll(selector).length === 2,
      `${byTestId('history-messages')} ${byTestId('tool-call')}`,
    );
    await screens('6-tool-run');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
