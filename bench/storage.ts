import { Redis } from 'ioredis';
import { createAgent, createWorkflows, gql, inParallel, sendPrompt } from './support/graphql.ts';
import { Deployment, REDIS_URL, round, sleep, waitFor, withPg } from './support/processes.ts';

export interface StorageSettings {
  /** 1 KB user messages to store, one run (and one workflow) each. */
  messages: number;
  /** Deltas of the one run whose replay log measures a delta event in Redis. */
  deltaEvents: number;
}

const CONTENT_BYTES = 1024;

/** A 1,024-byte ASCII prompt that makes demo:echo answer nothing, so only it is stored. */
function kilobytePrompt(seed: number): string {
  let text = `!words 0\nmessage ${seed}`;
  while (text.length < CONTENT_BYTES) text += ` ${Math.random().toString(36).slice(2, 10)}`;
  return text.slice(0, CONTENT_BYTES);
}

interface Sizes {
  total: number;
  heap: number;
  indexes: number;
  toast: number;
}

type StreamMemory = Awaited<ReturnType<typeof streamMemory>>;

export interface StorageResult {
  settings: StorageSettings;
  postgres: {
    messages: number;
    contentBytes: number;
    rowBytes: number;
    bytesPerMessage: Sizes;
    overheadBytes: number;
  };
  redis: { runLogs: StreamMemory; deltaLog: StreamMemory };
}

export async function runStorage(
  settings: StorageSettings,
  log: (line: string) => void,
): Promise<StorageResult> {
  const deployment = new Deployment();
  const redis = new Redis(REDIS_URL);
  try {
    const gateway = await deployment.gateway();
    await deployment.worker(50);
    const target = { url: gateway.url };
    const agentId = await createAgent(target);
    const table = `"${deployment.databaseSchema}".messages`;
    const sizes = () =>
      withPg(async (pg) => {
        const { rows } = await pg.query<{
          total: string;
          heap: string;
          indexes: string;
          toast: string;
        }>(
          `SELECT pg_total_relation_size($1::regclass) AS total, pg_relation_size($1::regclass) AS heap,
             pg_indexes_size($1::regclass) AS indexes,
             coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast
           FROM pg_class c WHERE c.oid = $1::regclass`,
          [table],
        );
        const row = rows[0]!;
        return {
          total: Number(row.total),
          heap: Number(row.heap),
          indexes: Number(row.indexes),
          toast: Number(row.toast),
        } satisfies Sizes;
      });

    // PostgreSQL: bytes per stored 1 KB message, table plus indexes.
    const workflowIds = await createWorkflows(target, agentId, settings.messages, 32);
    const before = await sizes();
    await inParallel(workflowIds, 32, async (workflowId, i) => {
      await sendPrompt(target, workflowId, kilobytePrompt(i));
    });
    await waitFor(
      'every message to be stored',
      () =>
        withPg(async (pg) => {
          const { rows } = await pg.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
          return Number(rows[0]!.n) >= settings.messages;
        }),
      deployment.processes,
      120_000,
    );
    const after = await sizes();
    const tuple = await withPg(async (pg) => {
      const { rows } = await pg.query<{ n: string; content: string; row: string }>(
        `SELECT count(*) AS n, avg(octet_length(content)) AS content, avg(pg_column_size(m.*)) AS row FROM ${table} m`,
      );
      return {
        n: Number(rows[0]!.n),
        content: Number(rows[0]!.content),
        row: Number(rows[0]!.row),
      };
    });
    const per = (key: keyof Sizes) => Math.round((after[key] - before[key]) / tuple.n);
    const postgres = {
      messages: tuple.n,
      contentBytes: round(tuple.content, 1),
      rowBytes: round(tuple.row, 1),
      bytesPerMessage: {
        total: per('total'),
        heap: per('heap'),
        indexes: per('indexes'),
        toast: per('toast'),
      },
      overheadBytes: per('total') - Math.round(tuple.content),
    };
    log(
      `  PostgreSQL: ${postgres.bytesPerMessage.total} B per ${postgres.contentBytes} B message (heap ${postgres.bytesPerMessage.heap}, indexes ${postgres.bytesPerMessage.indexes}, toast ${postgres.bytesPerMessage.toast}), overhead ${postgres.overheadBytes} B`,
    );

    // Redis: memory per retained event, for the runs above (six events each, one holding the
    // 1 KB message) and for one long run of small deltas.
    await sleep(1_000);
    const runStreams = await streamMemory(redis, `${deployment.redisPrefix}:events:*`);
    const [deltaWorkflow] = await createWorkflows(target, agentId, 1);
    const runId = await sendPrompt(target, deltaWorkflow!, `!words ${settings.deltaEvents}`);
    await waitFor(
      'the delta run to end',
      async () => {
        const data = await gql<{ run: { status: string } }>(
          target,
          'query($id: ID!) { run(id: $id) { status } }',
          { id: runId },
        );
        return data.run.status !== 'RUNNING' && data.run.status !== 'QUEUED';
      },
      deployment.processes,
      120_000,
    );
    const deltaStream = await streamMemory(
      redis,
      `${deployment.redisPrefix}:events:${deltaWorkflow}`,
    );
    log(
      `  Redis: ${runStreams.bytesPerEvent} B per event over ${runStreams.streams} short run logs (payload ${runStreams.payloadBytesPerEvent} B), ${deltaStream.bytesPerEvent} B per event in a ${deltaStream.events}-event delta log (payload ${deltaStream.payloadBytesPerEvent} B)`,
    );
    return { settings, postgres, redis: { runLogs: runStreams, deltaLog: deltaStream } };
  } finally {
    redis.disconnect();
    await deployment.stop();
  }
}

/** MEMORY USAGE (every node sampled) and entries of the streams matching `pattern`. */
async function streamMemory(redis: Redis, pattern: string) {
  let cursor = '0';
  let bytes = 0;
  let events = 0;
  let payload = 0;
  let streams = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      if ((await redis.type(key)) !== 'stream') continue;
      streams += 1;
      bytes += Number(await redis.memory('USAGE', key, 'SAMPLES', 0));
      const entries = await redis.xrange(key, '-', '+');
      events += entries.length;
      for (const [id, fields] of entries) payload += id.length + fields.join('').length;
    }
  } while (cursor !== '0');
  return {
    streams,
    events,
    bytesPerEvent: events > 0 ? Math.round(bytes / events) : 0,
    payloadBytesPerEvent: events > 0 ? Math.round(payload / events) : 0,
  };
}
