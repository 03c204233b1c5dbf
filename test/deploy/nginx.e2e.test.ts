import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateToken } from '../../shared/domain/api-tokens.ts';
import { type Cluster, freePorts, startCluster } from '../e2e/support/processes.ts';
import { scrape, sumOf } from '../support/prometheus.ts';
import { type Nginx, renderNginxConf, startNginx } from './support/nginx.ts';
import { openSse, type SseItem, type SseStream } from './support/sse.ts';

/**
 * deploy/nginx.conf, run by Debian's nginx in front of two gateway processes (and one worker) on
 * Redis and PostgreSQL: the directives that keep SSE working are the file's own.
 *
 * Idle streams. Nothing in the product lowers a timeout for the test. nginx cuts an upstream that
 * is silent for `proxy_read_timeout` (default 60 s); the gateway writes a keep-alive comment on
 * every stream every 12 s (Yoga), and the file sets an hour besides. To show that the file's own
 * timeout governs — without idling a minute — the test sets nginx's http-level default to
 * 2 s (a stand-in for 60 s): a stream through the file stays open across 5 idle seconds, while
 * the same file without its timeout line is cut at 2 s. A second check waits for the gateway's
 * keep-alive comment to come through. A third idles 65 s under nginx's real defaults (it runs in
 * parallel with the other test files, so it adds little to the suite's wall time).
 */

const TOKEN = generateToken();
const AUTH = { authorization: `Bearer ${TOKEN}` };
/** Seconds nginx would wait by default (60) stand in as this many, for the idle checks. */
const STAND_IN_READ_TIMEOUT_S = 2;
/** How far apart the first delta may arrive directly and through nginx, in ms. */
const FIRST_DELTA_TOLERANCE_MS = 150;

const EVENT_FIELDS = `__typename id ... on MessageDeltaEvent { delta } ... on RunStatusEvent { status }`;
const RUN_EVENTS = `subscription ($runId: ID!) { runEvents(runId: $runId) { ${EVENT_FIELDS} } }`;
const WORKFLOW_EVENTS = `subscription ($workflowId: ID!) { workflowEvents(workflowId: $workflowId) { ${EVENT_FIELDS} } }`;

let cluster: Cluster;
/** The repository's file, with nginx's read timeout default lowered to the stand-in. */
let nginx: Nginx;
/** The same, without the file's own proxy_read_timeout: the control. */
let withoutTimeout: Nginx;
let agentId: string;

async function startLb(drop: string[] = [], replace: Record<string, string> = {}) {
  const [port] = await freePorts(1);
  const conf = await renderNginxConf({
    listen: `127.0.0.1:${port}`,
    upstreams: cluster.gateways.map((g) => new URL(g.url).host),
    drop,
    replace,
  });
  return startNginx(conf, { host: '127.0.0.1', port: port! }, [
    `proxy_read_timeout ${STAND_IN_READ_TIMEOUT_S}s;`,
  ]);
}

beforeAll(async () => {
  cluster = await startCluster({
    gateways: 2,
    workers: 1,
    workerConcurrency: 4,
    env: { AGENTGATE_BOOTSTRAP_TOKEN: TOKEN },
  });
  [nginx, withoutTimeout] = await Promise.all([startLb(), startLb(['proxy_read_timeout 1h;'])]);
  const { createAgent } = await gql<{ createAgent: { id: string } }>(
    nginx.url,
    'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }',
    { input: { name: 'lb', systemPrompt: 'Echo.', model: 'demo:echo' } },
  );
  agentId = createAgent.id;
}, 60_000);

afterAll(async () => {
  await Promise.all([nginx?.stop(), withoutTimeout?.stop()]);
  await cluster?.stop();
}, 30_000);

beforeEach(({ onTestFailed }) => {
  onTestFailed(async () => {
    console.error(`nginx:\n${await nginx.errorLog()}\nAgentgate:\n${cluster.logs()}`);
  });
});

async function gql<T>(base: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AUTH },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) {
    throw new Error(`${base}: ${response.status} ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}

async function createWorkflow(): Promise<string> {
  const { createWorkflow } = await gql<{ createWorkflow: { id: string } }>(
    nginx.url,
    'mutation ($agentId: ID!) { createWorkflow(input: { agentId: $agentId }) { id } }',
    { agentId },
  );
  return createWorkflow.id;
}

async function sendPrompt(workflowId: string, prompt: string): Promise<string> {
  const { sendPrompt } = await gql<{ sendPrompt: { id: string } }>(
    nginx.url,
    'mutation ($workflowId: ID!, $prompt: String!) { sendPrompt(input: { workflowId: $workflowId, prompt: $prompt }) { id } }',
    { workflowId, prompt },
  );
  return sendPrompt.id;
}

const subscribe = (base: string, query: string, variables: Record<string, unknown>) =>
  openSse(`${base}/graphql`, { query, variables }, AUTH);

const payload = (item: SseItem) =>
  Object.values(item.data?.data ?? {})[0] as { __typename: string; status?: string } | undefined;
const isDelta = (item: SseItem) => payload(item)?.__typename === 'MessageDeltaEvent';
const isTerminal = (item: SseItem) =>
  payload(item)?.__typename === 'RunStatusEvent' &&
  !['QUEUED', 'RUNNING'].includes(payload(item)?.status ?? '');

describe('deploy/nginx.conf in front of two gateways', () => {
  it('delivers the first delta through nginx as promptly as a gateway does directly', async () => {
    const workflowId = await createWorkflow();
    // The first delta comes a second after the run starts; the last, 1.2 s after the first.
    const runId = await sendPrompt(workflowId, '!sleep 1000\n!delay 300\none two three four');
    const streams: SseStream[] = await Promise.all([
      subscribe(cluster.gateways[0]!.url, RUN_EVENTS, { runId }),
      subscribe(nginx.url, RUN_EVENTS, { runId }),
    ]);
    try {
      const [direct, proxied] = streams as [SseStream, SseStream];
      const [directDelta, proxiedDelta] = await Promise.all([
        direct.next(isDelta, 10_000),
        proxied.next(isDelta, 10_000),
      ]);
      expect(Math.abs(proxiedDelta.at - directDelta.at)).toBeLessThan(FIRST_DELTA_TOLERANCE_MS);
      const [directEnd] = await Promise.all([
        direct.next(isTerminal, 10_000),
        proxied.next(isTerminal, 10_000),
      ]);
      // Streamed, not buffered until the run ended.
      expect(directEnd.at - proxiedDelta.at).toBeGreaterThan(900);
      expect(proxied.items.filter(isDelta)).toHaveLength(direct.items.filter(isDelta).length);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it("keeps an idle stream open under the file's read timeout, where nginx's default would cut it", async () => {
    const workflowId = await createWorkflow();
    const kept = await subscribe(nginx.url, WORKFLOW_EVENTS, { workflowId });
    const cut = await subscribe(withoutTimeout.url, WORKFLOW_EVENTS, { workflowId });
    try {
      const openedAt = performance.now();
      // The control is cut once nginx's (stand-in) default passes without a byte…
      const cutAt = await cut.ended;
      expect(cutAt - openedAt).toBeGreaterThanOrEqual(STAND_IN_READ_TIMEOUT_S * 1000 - 100);
      // …while the file's own timeout keeps the same idle stream open well past it.
      await new Promise((resolve) => setTimeout(resolve, 5_000 - (performance.now() - openedAt)));
      expect(kept.isOpen()).toBe(true);
      const from = kept.items.length;
      await sendPrompt(workflowId, 'still there?');
      await kept.next(isTerminal, 10_000, from);
    } finally {
      kept.close();
      cut.close();
    }
  }, 20_000);

  it("passes the gateway's keep-alive comment on an idle stream within 12 s", async () => {
    const workflowId = await createWorkflow();
    const stream = await subscribe(nginx.url, WORKFLOW_EVENTS, { workflowId });
    try {
      const first = await stream.next((item) => item.kind === 'comment', 2_000);
      const second = await stream.next((item) => item.kind === 'comment', 14_000, 1);
      expect(second.at - first.at).toBeGreaterThan(11_000);
      expect(second.at - first.at).toBeLessThan(13_500);
      expect(stream.isOpen()).toBe(true);
    } finally {
      stream.close();
    }
  }, 20_000);

  it("keeps an idle stream open past nginx's real 60 s defaults", async () => {
    const [port] = await freePorts(1);
    const conf = await renderNginxConf({
      listen: `127.0.0.1:${port}`,
      upstreams: cluster.gateways.map((g) => new URL(g.url).host),
    });
    const plain = await startNginx(conf, { host: '127.0.0.1', port: port! });
    const workflowId = await createWorkflow();
    const stream = await subscribe(plain.url, WORKFLOW_EVENTS, { workflowId });
    try {
      await new Promise((resolve) => setTimeout(resolve, 65_000));
      expect(stream.isOpen()).toBe(true);
      const from = stream.items.length;
      await sendPrompt(workflowId, 'after a minute');
      await stream.next(isTerminal, 10_000, from);
    } finally {
      stream.close();
      await plain.stop();
    }
  }, 90_000);

  it('spreads requests over both gateways, hides /metrics, and passes a request id', async () => {
    const metrics = () =>
      Promise.all(cluster.gatewayMetricsUrls.map((url) => scrape(`${url}/metrics`)));
    const before = await metrics();
    for (let i = 0; i < 10; i++) await gql(nginx.url, '{ __typename }');
    const after = await metrics();
    const served = after.map(
      (samples, i) =>
        (sumOf(samples, 'graphql_envelop_request') ?? 0) -
        (sumOf(before[i]!, 'graphql_envelop_request') ?? 0),
    );
    expect(served.every((count) => count >= 1)).toBe(true);

    expect((await fetch(`${nginx.url}/metrics`)).status).toBe(404);
    const answer = await fetch(`${nginx.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'from-the-client-1', ...AUTH },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(answer.headers.get('x-request-id')).toBe('from-the-client-1');
    const generated = await fetch(`${nginx.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    // nginx's $request_id: 32 hex digits.
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });
});
