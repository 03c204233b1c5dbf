import { type IncomingMessage, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServer, listen } from '../../server/http.ts';
import type { WorkflowEvent } from '../../shared/domain/events.ts';
import { DEFAULT_TENANT_ID } from '../../shared/domain/types.ts';
import { createDemoWorkflow, createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * SSE clients that stop reading, over real sockets: the gateway holds at most
 * `SSE_MAX_BUFFERED_BYTES` of events for each, ends it with a `SLOW_CONSUMER` error after what it
 * was already sent, lets go of a client that never reads again, and a resumed client gets the
 * rest. The kernel takes a few MB per socket before the gateway feels any backpressure, so the
 * tests publish well beyond that.
 */

const MAX_BUFFERED_BYTES = 256 * 1024;
const CLOSE_MS = 3_000;
const EVENT_CHARS = 64 * 1024;
/** 150 × 64 KiB: about 10 MB, more than the sockets' buffers and the limit together. */
const EVENT_COUNT = 150;

let t: TestApp;
let server: HttpServer;
beforeAll(async () => {
  t = await createTestApp({
    worker: false,
    // As in production: the streams pass through the metrics wrapper too.
    metrics: true,
    events: { maxBufferedBytes: MAX_BUFFERED_BYTES },
    eventStreams: { slowConsumerCloseMs: CLOSE_MS },
  });
  server = await listen(t.app, '127.0.0.1', 0);
});
afterAll(async () => {
  await server.close();
  await t.close();
});

const SUBSCRIPTION = `subscription ($workflowId: ID!, $after: String) {
  workflowEvents(workflowId: $workflowId, after: $after) { id ... on LogEvent { event detail } }
}`;

interface Frame {
  event: string;
  data: string;
}

function parseFrames(raw: string): Frame[] {
  return raw
    .split('\n\n')
    .map((block) => {
      const frame: Partial<Frame> = {};
      for (const line of block.split('\n')) {
        const match = /^(event|data): ?(.*)$/.exec(line);
        if (match) frame[match[1] as keyof Frame] = match[2];
      }
      return frame;
    })
    .filter((frame): frame is Frame => frame.event !== undefined);
}

/** The cursor of each `next` frame that carries an event. */
function eventIds(frames: Frame[]): string[] {
  return frames.flatMap((frame) => {
    if (frame.event !== 'next') return [];
    const id = JSON.parse(frame.data).data?.workflowEvents?.id;
    return typeof id === 'string' ? [id] : [];
  });
}

/**
 * Subscribes over a raw socket and reads nothing until `read()` is called: the response stays
 * paused, so the client's socket buffer and then the gateway's fill up.
 */
function openPaused(variables: Record<string, unknown>) {
  return new Promise<{
    response: IncomingMessage;
    read(): Promise<{ raw: string; ended: boolean }>;
  }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: new URL(server.url).port,
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      },
      (response) => {
        response.pause();
        resolve({
          response,
          read: () =>
            new Promise((done) => {
              let raw = '';
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => {
                raw += chunk;
              });
              response.once('end', () => done({ raw, ended: true }));
              response.once('error', () => done({ raw, ended: false }));
              response.once('aborted', () => done({ raw, ended: false }));
              response.resume();
            }),
        });
      },
    );
    req.once('error', reject);
    req.end(JSON.stringify({ query: SUBSCRIPTION, variables }));
  });
}

/** Reads a subscription until it has an event with `lastId`; returns every frame. */
async function readUntil(
  variables: Record<string, unknown>,
  until: string | Promise<string>,
): Promise<Frame[]> {
  const abort = new AbortController();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: SUBSCRIPTION, variables }),
    signal: abort.signal,
  });
  const decoder = new TextDecoder();
  let raw = '';
  let lastId: string | undefined;
  void Promise.resolve(until).then((id) => {
    lastId = id;
  });
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      raw += decoder.decode(chunk, { stream: true });
      const complete = raw.slice(0, raw.lastIndexOf('\n\n') + 2);
      if (lastId && eventIds(parseFrames(complete)).includes(lastId)) return parseFrames(complete);
    }
  } finally {
    abort.abort();
  }
  throw new Error(`the stream ended before event ${lastId}`);
}

/** Publishes `count` events of `chars` characters, letting sockets move data between them. */
async function publishMany(workflowId: string, count: number, chars: number) {
  const published: WorkflowEvent[] = [];
  for (let n = 0; n < count; n++) {
    await new Promise((resolve) => setImmediate(resolve));
    published.push(
      await t.bus.publish({
        type: 'LogEvent',
        tenantId: DEFAULT_TENANT_ID,
        workflowId,
        runId: null,
        at: new Date().toISOString(),
        event: 'bulk',
        detail: { n, text: String(n % 10).repeat(chars) },
      }),
    );
  }
  return published;
}

/** Open connections of the gateway's HTTP server. */
function connections(): Promise<number> {
  return new Promise((resolve, reject) =>
    server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('an SSE client that stops reading', () => {
  it('is ended with a SLOW_CONSUMER error after what it was sent, its subscription released at once, and resumes from its last event', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const paused = await openPaused({ workflowId });
    await waitFor(() => t.bus.stats().subscribers === 1, 'the subscription');

    const published = await publishMany(workflowId, EVENT_COUNT, EVENT_CHARS);
    // Released while the client still reads nothing.
    await waitFor(() => t.bus.stats().subscribers === 0, 'the slow stream to be released');

    const { raw, ended } = await paused.read();
    expect(ended).toBe(true);
    const frames = parseFrames(raw);
    const [error, complete] = frames.slice(-2);
    expect(complete?.event).toBe('complete');
    expect(JSON.parse(error!.data)).toEqual({
      data: null,
      errors: [
        {
          message: expect.stringContaining(`more than ${MAX_BUFFERED_BYTES} bytes`),
          extensions: { code: 'SLOW_CONSUMER' },
        },
      ],
    });
    const received = eventIds(frames);
    const allIds = published.map((event) => event.id);
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThan(EVENT_COUNT);
    expect(received).toEqual(allIds.slice(0, received.length));

    const rest = eventIds(await readUntil({ workflowId, after: received.at(-1) }, allIds.at(-1)!));
    expect([...received, ...rest]).toEqual(allIds);
  });

  it('loses its connection when it does not read again within the grace period', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const paused = await openPaused({ workflowId });
    await waitFor(() => t.bus.stats().subscribers === 1, 'the subscription');
    const connected = await connections();
    // Events of 1 MiB: the gateway's own buffers then hold more than the kernel could still
    // take, so only destroying the connection ends it.
    await publishMany(workflowId, 20, 1024 * 1024);
    await waitFor(() => t.bus.stats().subscribers === 0, 'the slow stream to be released');
    const endedAt = Date.now();

    let closedAt = 0;
    await waitFor(
      () => {
        void connections().then((count) => {
          if (count < connected && closedAt === 0) closedAt = Date.now();
        });
        return closedAt > 0;
      },
      'the gateway to close the connection',
      CLOSE_MS + 10_000,
    );
    expect(closedAt - endedAt).toBeGreaterThan(CLOSE_MS / 2);
    // What the client reads now ends abruptly: no terminal frames after the cut.
    const { raw } = await paused.read();
    expect(raw.length).toBeGreaterThan(0);
    expect(raw).not.toContain('event: complete');
  });
});

describe('an SSE client that keeps up', () => {
  it('gets a live event larger than SSE_MAX_BUFFERED_BYTES whole', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    let hugeId = '';
    const live = (async () => {
      await waitFor(() => hugeId !== '', 'the event to be published');
      return hugeId;
    })();
    const reading = readUntil({ workflowId }, live);
    await waitFor(() => t.bus.stats().subscribers === 1, 'the subscription');
    const [huge] = await publishMany(workflowId, 1, 4 * MAX_BUFFERED_BYTES);
    hugeId = huge!.id;

    const [event] = (await reading).map((frame) => JSON.parse(frame.data).data.workflowEvents);
    expect(event).toEqual({
      id: huge!.id,
      event: 'bulk',
      detail: { n: 0, text: '0'.repeat(4 * MAX_BUFFERED_BYTES) },
    });
  });
});
