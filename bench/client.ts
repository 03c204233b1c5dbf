/**
 * The load client: a process of its own, driven by the benchmark runner over Node's IPC channel
 * (`{ id, method, params }` in, `{ id, result | error }` out). It opens SSE connections to a
 * gateway (GraphQL subscription, graphql-sse distinct connections) or to the raw relay with the
 * same code, so both see the identical client; it times dispatch; it observes Redis pub/sub.
 */
import { Agent, request } from 'node:http';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { authHeaders, gql, WORKFLOW_EVENTS } from './support/graphql.ts';
import { nowMs, Samples, summarize } from './support/stats.ts';

type Target = 'gateway' | 'relay';

interface Connection {
  close(): void;
  events: number;
}

const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

/**
 * Opens one SSE response and hands each complete SSE block (text between blank lines) to
 * `onBlock`. Resolves once the response headers arrived: the gateway and the relay both answer
 * only after the subscription is attached.
 */
function openSse(
  url: string,
  init: { method: 'GET' | 'POST'; body?: string; headers?: Record<string, string> },
  onBlock: (block: string) => void,
  onEnd: (reason: string) => void,
): Promise<Connection> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let closing = false;
    const req = request(url, {
      method: init.method,
      agent,
      headers: { accept: 'text/event-stream', ...init.headers },
    });
    const connection: Connection = {
      events: 0,
      close() {
        closing = true;
        req.destroy();
      },
    };
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`SSE ${url} answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.length > 0 && block[0] !== ':') onBlock(block);
          end = buffer.indexOf('\n\n');
        }
      });
      res.on('close', () => {
        if (!closing) onEnd('closed by server');
      });
      resolve(connection);
    });
    req.on('error', (error) => {
      if (closing) return;
      reject(error);
      onEnd(error.message);
    });
    req.end(init.body);
  });
}

function sseRequest(target: Target, base: string, workflowId: string) {
  if (target === 'relay') {
    return { url: `${base}/events/${workflowId}`, init: { method: 'GET' as const } };
  }
  return {
    url: `${base}/graphql`,
    init: {
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', ...authHeaders({ url: base }) },
      body: JSON.stringify({ query: WORKFLOW_EVENTS, variables: { w: workflowId } }),
    },
  };
}

/** Parses the `at` of an event out of an SSE block without a full JSON parse (same for both targets). */
function eventTime(block: string): number | null {
  const i = block.indexOf('"at":"');
  if (i < 0) return null;
  return Date.parse(block.slice(i + 6, block.indexOf('"', i + 6)));
}

// ---- fan-out and idle subscriptions ----------------------------------------------------------

const fanOut = {
  connections: [] as Connection[],
  measuring: false,
  windowStart: 0,
  events: 0,
  latencies: new Samples(),
  unexpectedEnds: 0,
  endReasons: new Map<string, number>(),
};

async function open(params: {
  target: Target;
  base: string;
  workflowIds: string[];
  parallel?: number;
}) {
  const started = nowMs();
  let failed = 0;
  let next = 0;
  const { workflowIds } = params;
  const onBlock = (block: string) => {
    if (!fanOut.measuring) return;
    const at = eventTime(block);
    if (at === null) return;
    fanOut.events += 1;
    fanOut.latencies.add(nowMs() - at);
  };
  const onEnd = (reason: string) => {
    fanOut.unexpectedEnds += 1;
    fanOut.endReasons.set(reason, (fanOut.endReasons.get(reason) ?? 0) + 1);
  };
  await Promise.all(
    Array.from({ length: Math.min(params.parallel ?? 100, workflowIds.length) }, async () => {
      while (next < workflowIds.length) {
        const workflowId = workflowIds[next++]!;
        const { url, init } = sseRequest(params.target, params.base, workflowId);
        try {
          fanOut.connections.push(await openSse(url, init, onBlock, onEnd));
        } catch {
          failed += 1;
        }
      }
    }),
  );
  return { opened: fanOut.connections.length, failed, openMs: Math.round(nowMs() - started) };
}

function measureStart() {
  fanOut.measuring = true;
  fanOut.windowStart = nowMs();
  fanOut.events = 0;
  fanOut.latencies = new Samples();
  return {};
}

function measureStop() {
  fanOut.measuring = false;
  const windowMs = nowMs() - fanOut.windowStart;
  return {
    events: fanOut.events,
    windowMs: Math.round(windowMs),
    eventsPerSecond: Math.round((fanOut.events * 1000) / windowMs),
    latencyMs: fanOut.latencies.summary(),
    unexpectedEnds: fanOut.unexpectedEnds,
    endReasons: Object.fromEntries(fanOut.endReasons),
  };
}

function closeAll() {
  const closed = fanOut.connections.length;
  for (const connection of fanOut.connections) connection.close();
  fanOut.connections = [];
  fanOut.unexpectedEnds = 0;
  fanOut.endReasons.clear();
  return { closed };
}

// ---- dispatch: sendPrompt to the first MessageDeltaEvent -------------------------------------

async function dispatch(params: {
  base: string;
  workflowIds: string[];
  runs: number;
  warmup: number;
  prompt: string;
}) {
  const target = { url: params.base };
  const waiters = new Map<string, { delta: () => void; done: () => void }>();
  const connections: Connection[] = [];
  for (const workflowId of params.workflowIds) {
    const { url, init } = sseRequest('gateway', params.base, workflowId);
    connections.push(
      await openSse(
        url,
        init,
        (block) => {
          const start = block.indexOf('data: ');
          if (start < 0) return;
          const end = block.indexOf('\n', start);
          const data = block.slice(start + 6, end < 0 ? undefined : end);
          if (data.length === 0) return;
          const event = JSON.parse(data)?.data?.workflowEvents;
          const waiter = event ? waiters.get(workflowId) : undefined;
          if (!waiter) return;
          if (event.__typename === 'MessageDeltaEvent') waiter.delta();
          if (
            event.__typename === 'RunStatusEvent' &&
            /^(SUCCEEDED|FAILED|CANCELLED|TIMED_OUT|MAX_TURNS_REACHED)$/.test(event.status)
          ) {
            waiter.done();
          }
        },
        () => {},
      ),
    );
  }
  const firstDelta = new Samples();
  const mutation = new Samples();
  try {
    for (let i = 0; i < params.runs + params.warmup; i++) {
      const workflowId = params.workflowIds[i % params.workflowIds.length]!;
      let gotDelta!: () => void;
      let gotDone!: () => void;
      const delta = new Promise<number>((resolve) => {
        gotDelta = () => resolve(performance.now());
      });
      const done = new Promise<void>((resolve) => {
        gotDone = resolve;
      });
      let deltaSeen = false;
      waiters.set(workflowId, {
        delta: () => {
          if (deltaSeen) return;
          deltaSeen = true;
          gotDelta();
        },
        done: gotDone,
      });
      const t0 = performance.now();
      await gql(
        target,
        'mutation($w: ID!, $p: String!) { sendPrompt(input: {workflowId: $w, prompt: $p}) { id } }',
        { w: workflowId, p: params.prompt },
      );
      const t1 = performance.now();
      const t2 = await withTimeout(delta, 30_000, `first delta of run ${i}`);
      await withTimeout(done, 30_000, `end of run ${i}`);
      waiters.delete(workflowId);
      if (i >= params.warmup) {
        firstDelta.add(t2 - t0);
        mutation.add(t1 - t0);
      }
    }
  } finally {
    for (const connection of connections) connection.close();
  }
  return { firstDeltaMs: firstDelta.summary(), sendPromptMs: mutation.summary() };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---- the BullMQ baseline: add → process → back over pub/sub ----------------------------------

async function bullmq(params: {
  redisUrl: string;
  prefix: string;
  queueName: string;
  channel: string;
  runs: number;
  warmup: number;
}) {
  const connection = new Redis(params.redisUrl, { maxRetriesPerRequest: null });
  const subscriber = new Redis(params.redisUrl);
  const queue = new Queue(params.queueName, { connection, prefix: params.prefix });
  const waiting = new Map<string, () => void>();
  subscriber.on('message', (_channel: string, jobId: string) => waiting.get(jobId)?.());
  await subscriber.subscribe(params.channel);
  const samples = new Samples();
  try {
    for (let i = 0; i < params.runs + params.warmup; i++) {
      const jobId = `job-${i}`;
      const back = new Promise<number>((resolve) => {
        waiting.set(jobId, () => resolve(performance.now()));
      });
      const t0 = performance.now();
      await queue.add('echo', { i }, { jobId, removeOnComplete: true, removeOnFail: true });
      const t1 = await withTimeout(back, 10_000, `job ${jobId}`);
      waiting.delete(jobId);
      if (i >= params.warmup) samples.add(t1 - t0);
    }
  } finally {
    await queue.close();
    connection.disconnect();
    subscriber.disconnect();
  }
  return { roundTripMs: samples.summary() };
}

// ---- observer of a deployment's live channels (worker capacity) ------------------------------

const TERMINAL = /"status":"(SUCCEEDED|FAILED|CANCELLED|TIMED_OUT|MAX_TURNS_REACHED)"/;

const observer = {
  redis: null as Redis | null,
  started: 0,
  events: 0,
  deltas: 0,
  /** Deltas per whole second since `started`. */
  buckets: [] as number[],
  runs: new Map<string, { deltas: number; firstDelta: number; end: number; status: string }>(),
  publishLag: new Samples(),
};

function runIdOf(message: string): string {
  const i = message.indexOf('"runId":"');
  return i < 0 ? '' : message.slice(i + 9, message.indexOf('"', i + 9));
}

async function observeStart(params: { redisUrl: string; prefix: string }) {
  const redis = new Redis(params.redisUrl);
  observer.redis = redis;
  observer.started = nowMs();
  observer.events = 0;
  observer.deltas = 0;
  observer.buckets = [];
  observer.runs.clear();
  observer.publishLag = new Samples();
  redis.on('pmessage', (_pattern: string, _channel: string, message: string) => {
    const now = nowMs();
    observer.events += 1;
    const at = eventTime(message);
    if (at !== null) observer.publishLag.add(now - at);
    const runId = runIdOf(message);
    let run = observer.runs.get(runId);
    if (!run) {
      run = { deltas: 0, firstDelta: 0, end: 0, status: '' };
      observer.runs.set(runId, run);
    }
    if (message.includes('"type":"MessageDeltaEvent"')) {
      observer.deltas += 1;
      run.deltas += 1;
      if (run.firstDelta === 0) run.firstDelta = now;
      const second = Math.floor((now - observer.started) / 1000);
      observer.buckets[second] = (observer.buckets[second] ?? 0) + 1;
      return;
    }
    const terminal = TERMINAL.exec(message);
    if (terminal && message.includes('"type":"RunStatusEvent"')) {
      run.end = now;
      run.status = terminal[1]!;
    }
  });
  await redis.psubscribe(`${params.prefix}:events-live:*`);
  return {};
}

function observeStatus() {
  let ended = 0;
  for (const run of observer.runs.values()) if (run.end > 0) ended += 1;
  return { events: observer.events, deltas: observer.deltas, ended };
}

function observeStop() {
  observer.redis?.disconnect();
  observer.redis = null;
  const runs = [...observer.runs.values()].filter((run) => run.firstDelta > 0 || run.end > 0);
  const statuses: Record<string, number> = {};
  for (const run of runs)
    statuses[run.status || 'UNFINISHED'] = (statuses[run.status || 'UNFINISHED'] ?? 0) + 1;
  const perRunDeltas = runs.map((run) => run.deltas);
  const perRunRate = runs
    .filter((run) => run.end > run.firstDelta && run.deltas > 1)
    .map((run) => ((run.deltas - 1) * 1000) / (run.end - run.firstDelta));
  return {
    events: observer.events,
    deltas: observer.deltas,
    buckets: observer.buckets.map((b) => b ?? 0),
    statuses,
    runsSeen: runs.length,
    perRunDeltas: { min: Math.min(...perRunDeltas), max: Math.max(...perRunDeltas) },
    perRunDeltasPerSecond: summarize(perRunRate),
    firstDeltaSpreadMs: spread(runs.map((run) => run.firstDelta)),
    endSpreadMs: spread(runs.map((run) => run.end)),
    publishLagMs: observer.publishLag.summary(),
  };
}

/** Milliseconds from `observer.started` to the first and the last of the times. */
function spread(times: number[]) {
  const valid = times.filter((t) => t > 0);
  if (valid.length === 0) return { first: 0, last: 0 };
  return {
    first: Math.round(Math.min(...valid) - observer.started),
    last: Math.round(Math.max(...valid) - observer.started),
  };
}

// ---- IPC --------------------------------------------------------------------------------------

const methods: Record<string, (params: never) => unknown> = {
  open,
  measureStart,
  measureStop,
  closeAll,
  dispatch,
  bullmq,
  observeStart,
  observeStatus,
  observeStop,
  memory: () => ({ rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) }),
};

process.on('message', async (message: { id: number; method: string; params: unknown }) => {
  try {
    const method = methods[message.method];
    if (!method) throw new Error(`unknown method ${message.method}`);
    const result = await method(message.params as never);
    process.send?.({ id: message.id, result });
  } catch (error) {
    process.send?.({ id: message.id, error: error instanceof Error ? error.stack : String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ id: 0, result: 'ready' });
