import { z } from 'zod';
import { isPlausibleToken, TENANT_ID_PATTERN } from './domain/api-tokens.ts';
import {
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_DELTA_CHARS,
  DEFAULT_MAX_MESSAGE_CHARS,
  DEFAULT_MAX_TOOL_ARGUMENT_CHARS,
} from './domain/output-limits.ts';
import { DEFAULT_TENANT_ID, MAX_MODEL_CHARS } from './domain/types.ts';
import { parseSecretKeys, type SecretKey } from './secrets/secret-cipher.ts';
import { type EgressAllowList, parseEgressAllow } from './security/egress-policy.ts';

/**
 * Configuration: one zod schema over the environment, parsed once by an entry point.
 * Nothing else reads `process.env`. Every problem is reported at once.
 */

export type Role = 'embedded' | 'gateway' | 'worker';

const intFrom = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** `true`/`false` (or `1`/`0`), defaulting to `fallback`. */
const boolFrom = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

const providerSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lowercase letters, digits, - and _'),
  type: z.enum(['openai', 'anthropic', 'openai-compatible']),
  baseURL: z.url().optional(),
  apiKey: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: intFrom(0, 65_535, 4000),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z.url().optional(),
  REDIS_PREFIX: z.string().min(1).default('agentgate'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
    .optional(),
  WORKER_CONCURRENCY: intFrom(1, 10_000, 20),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  MAX_PROMPT_CHARS: intFrom(1, 10_000_000, 100_000),
  DEFAULT_MAX_TURNS: intFrom(1, 1_000, 10),
  EVENT_RETENTION_SECONDS: intFrom(60, 365 * 86_400, 86_400),
  MODEL_MAX_RETRIES: intFrom(0, 10, 2),
  CANCEL_GRACE_MS: intFrom(0, 60_000, 2_000),
  SHUTDOWN_TIMEOUT_MS: intFrom(0, 600_000, 10_000),
  // Reliability (README "Reliability").
  RUN_QUEUE_TIMEOUT_MS: intFrom(1_000, 7 * 86_400_000, 3_600_000),
  RUN_TIMEOUT_MS: intFrom(1_000, 7 * 86_400_000, 3_600_000),
  RUN_MAX_ATTEMPTS: intFrom(1, 100, 3),
  RUN_SWEEP_INTERVAL_MS: intFrom(100, 3_600_000, 5_000),
  RUN_REQUEUE_AFTER_MS: intFrom(1_000, 86_400_000, 30_000),
  QUEUE_LOCK_DURATION_MS: intFrom(1_000, 3_600_000, 20_000),
  QUEUE_STALLED_INTERVAL_MS: intFrom(100, 3_600_000, 10_000),
  WORKER_DRAIN_MS: intFrom(0, 600_000, 8_000),
  MODEL_RETRY_BASE_MS: intFrom(0, 60_000, 1_000),
  MODEL_RETRY_MAX_DELAY_MS: intFrom(0, 600_000, 30_000),
  // MCP tools (README "Tools (MCP)").
  MCP_CONNECT_TIMEOUT_MS: intFrom(100, 600_000, 15_000),
  MCP_TOOL_TIMEOUT_MS: intFrom(100, 3_600_000, 60_000),
  MCP_TOOL_RESULT_MAX_CHARS: intFrom(256, 10_000_000, 16_384),
  MCP_ALLOW_STDIO: z.enum(['true', 'false']).optional(),
  // Hardening (docs/security.md): the account stdio servers run as, and the egress allow-list.
  MCP_STDIO_USER: z.string().min(1).max(64).optional(),
  EGRESS_ALLOW: z.string().optional(),
  // Keep in step with DEFAULT_MCP_POOL_IDLE_MS (worker/tools/mcp-pool.ts); 0 disables reuse.
  MCP_POOL_IDLE_MS: intFrom(0, 86_400_000, 60_000),
  // Context window (README "Context window"); keep in step with DEFAULT_CONTEXT_BUDGET_TOKENS.
  CONTEXT_BUDGET_TOKENS: intFrom(100, 10_000_000, 100_000),
  // Secrets (README "Secrets"): `[id:]base64` keys, the first seals; or one key.
  SECRETS_KEYS: z.string().optional(),
  SECRETS_KEY: z.string().optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  PROVIDERS: z.string().optional(),
  // Auth and limits (README "Auth and tenants", "Limits").
  AGENTGATE_BOOTSTRAP_TOKEN: z.string().optional(),
  AGENTGATE_BOOTSTRAP_TENANT: z
    .string()
    .regex(TENANT_ID_PATTERN, 'letters, digits, _, . and -, at most 64')
    .optional(),
  RATE_LIMIT_PER_MINUTE: intFrom(0, 100_000_000, 6_000),
  MAX_SUBSCRIPTIONS_PER_TOKEN: intFrom(0, 10_000_000, 1_000),
  MAX_QUERY_DEPTH: intFrom(1, 1_000, 12),
  MAX_QUERY_COST: intFrom(1, 100_000_000, 5_000),
  MAX_ALIASES: intFrom(0, 100_000, 30),
  MAX_QUERY_TOKENS: intFrom(1, 10_000_000, 2_000),
  MAX_BATCH_OPERATIONS: intFrom(0, 1_000, 10),
  MAX_BODY_BYTES: intFrom(1_024, 1_000_000_000, 1_048_576),
  GRAPHIQL: boolFrom(true),
  INTROSPECTION: boolFrom(true),
  CSRF_PREVENTION: boolFrom(true),
  CORS_ORIGINS: z.string().optional(),
  // Hardening: metrics access and labels (docs/metrics.md), failed authentication per client
  // address (docs/security-gateway.md).
  METRICS_TOKEN: z.string().optional(),
  METRICS_MODELS: z.string().optional(),
  AUTH_FAILURES_PER_MINUTE: intFrom(0, 1_000_000, 30),
  TRUST_PROXY_HOPS: intFrom(0, 10, 0),
  // Output and stream size limits (docs/limits.md): what one model answer may put into a run,
  // and what one event stream may hold for a client that does not keep up.
  MAX_MESSAGE_CHARS: intFrom(1_000, 10_000_000, DEFAULT_MAX_MESSAGE_CHARS),
  MAX_DELTA_CHARS: intFrom(256, 1_000_000, DEFAULT_MAX_DELTA_CHARS),
  MAX_TOOL_ARGUMENT_CHARS: intFrom(256, 10_000_000, DEFAULT_MAX_TOOL_ARGUMENT_CHARS),
  SSE_MAX_BUFFERED_BYTES: intFrom(65_536, 1_073_741_824, DEFAULT_MAX_BUFFERED_BYTES),
});

export type ProviderSettings = z.infer<typeof providerSchema>;

export type StoreConfig =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'postgres'; url: string; schema: string | undefined }
  | { kind: 'mongo'; uri: string };

/** Who may call a gateway. */
export interface AuthConfig {
  /** A token stored (as a hash) at start, from a deploy-time secret; null when not set. */
  bootstrap: { token: string; tenantId: string } | null;
  /**
   * True when the gateway may serve one local tenant without tokens, as long as no token is
   * stored: embedded, jobs and events in process, bound to a loopback address.
   */
  allowAnonymous: boolean;
}

/** The gateway's limits and browser protections; every limit answers with its own error code. */
export interface ProtectionConfig {
  /** Deepest selection nesting of an operation (introspection excluded). */
  maxDepth: number;
  /** Highest cost of an operation (graphql-armor: objects 2, scalars 1, × 1.5 per level). */
  maxCost: number;
  /** Most aliases in an operation. */
  maxAliases: number;
  /** Most lexical tokens in a query document. */
  maxTokens: number;
  /** Most operations in one batched request; 0 turns batching off. */
  maxBatchOperations: number;
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Operations per API token (or the local tenant) per minute, across gateways; 0: no limit. */
  ratePerMinute: number;
  /** Open subscriptions per API token on one gateway; 0: no limit. */
  maxSubscriptionsPerToken: number;
  /** Serve GraphiQL to browsers. */
  graphiql: boolean;
  /** Answer introspection queries. */
  introspection: boolean;
  /** Refuse requests a browser could send cross-site without a preflight. */
  csrfPrevention: boolean;
  /** Origins that browsers may call from: a list, `*` for any, empty for none (same origin only). */
  corsOrigins: string[] | '*';
}

export interface Config {
  role: Role;
  /** `distributed` when Redis carries jobs and events; `embedded` keeps them in process. */
  mode: 'embedded' | 'distributed';
  server: { host: string; port: number };
  store: StoreConfig;
  redis: { url: string; prefix: string } | null;
  worker: {
    concurrency: number;
    /** On SIGTERM, how long running runs may take to finish before they are handed back (ms). */
    drainMs: number;
  };
  runs: {
    maxPromptChars: number;
    defaultMaxTurns: number;
    /** How long `cancelRun` waits for the worker's terminal event before ending the run itself. */
    cancelGraceMs: number;
    /** A run not started this many ms after it was sent ends TIMED_OUT (workflows may lower it). */
    queueTimeoutMs: number;
    /** A run not ended this many ms after it started ends TIMED_OUT (workflows may lower it). */
    runTimeoutMs: number;
    /** Executions of one run at most: a run survives `maxAttempts - 1` crashed workers. */
    maxAttempts: number;
    /** How often every process looks for overdue and orphaned runs (ms). */
    sweepIntervalMs: number;
    /** A run QUEUED this long is offered to the queue again, in case its job was lost (ms). */
    requeueAfterMs: number;
    /**
     * Most estimated tokens (characters / 4) one model call sends for an agent without a
     * `contextBudget` of its own; older context is compacted to fit.
     */
    contextBudgetTokens: number;
  };
  /** BullMQ's crash detection: a dead worker's run is taken over within about the sum (ms). */
  queue: { lockDurationMs: number; stalledIntervalMs: number };
  events: { retentionSeconds: number };
  /** MCP tools: limits of connecting (ms), of one call (ms), and of a result in events (chars). */
  mcp: {
    connectTimeoutMs: number;
    toolTimeoutMs: number;
    maxResultChars: number;
    /**
     * How long a worker keeps an MCP connection no run holds, for the same tenant's next runs
     * with the same server settings (ms); 0: every run connects and closes at its end.
     */
    poolIdleMs: number;
    /**
     * Whether MCP servers may use the stdio transport (a command run on this host): `on`
     * (`MCP_ALLOW_STDIO=true`), `off` (`false`), or `local` (unset): only while the process serves
     * one local user (embedded, loopback, no API token stored), checked at every spawn.
     */
    stdio: 'on' | 'off' | 'local';
    /** `MCP_STDIO_USER`: the account stdio processes run as; null: `nobody` as root, else self. */
    stdioUser: string | null;
  };
  /** Where tenant-supplied URLs may connect beyond public addresses (`EGRESS_ALLOW`). */
  egress: { allow: EgressAllowList };
  /**
   * Keys that seal secret values (AES-256-GCM): the first seals new values, all of them open.
   * Empty: none configured; then `keyFile` (embedded only) is where a generated key is kept, and
   * without it secrets cannot be written or resolved (runs needing one fail SECRETS_UNAVAILABLE).
   */
  secrets: { keys: SecretKey[]; keyFile: string | null };
  models: {
    providers: ProviderSettings[];
    /** Retries of a model call on 429, 5xx and network errors. */
    maxRetries: number;
    /** Backoff before retry n: `retryBaseMs * 2^(n-1)`, at most `retryMaxDelayMs` (also caps Retry-After). */
    retryBaseMs: number;
    retryMaxDelayMs: number;
  };
  log: {
    level: z.infer<typeof envSchema>['LOG_LEVEL'];
    /** `auto`: readable (pino-pretty) when stdout is a terminal and pino-pretty is installed, else JSON. */
    format: z.infer<typeof envSchema>['LOG_FORMAT'];
  };
  /** Prometheus metrics: where they are served, to whom, and which model names label them. */
  metrics: {
    /**
     * A separate HTTP listener for `/metrics`, `/healthz` and `/readyz` on `server.host`, for
     * every role; a gateway then serves `/metrics` there only, not on its main port. Null: none
     * (`METRICS_PORT` unset).
     */
    port: number | null;
    /** `METRICS_TOKEN`: when set, `/metrics` answers only `Authorization: Bearer <token>`. */
    token: string | null;
    /**
     * `METRICS_MODELS`: model strings counted under their own name in `agentgate_tokens_total`;
     * any other model counts as `<provider>:other` (or `other`), so tenants cannot add series.
     */
    models: string[];
  };
  /** Who the client of a request is, and how often it may fail to authenticate. */
  clients: {
    /**
     * `TRUST_PROXY_HOPS`: proxies in front of the gateway that append to X-Forwarded-For; the
     * client address is the N-th entry from its right (0: the socket's peer, the header ignored).
     */
    trustProxyHops: number;
    /**
     * `AUTH_FAILURES_PER_MINUTE`: failed authentications one client address may make per minute
     * (across gateways in the distributed mode); past it the address is RATE_LIMITED until the
     * minute ends, before any token lookup. 0: no limit.
     */
    authFailuresPerMinute: number;
  };
  shutdownTimeoutMs: number;
  auth: AuthConfig;
  protection: ProtectionConfig;
  /** Output and stream size limits (docs/limits.md). */
  output: {
    /** Characters of one assistant message; past it the run ends FAILED `OUTPUT_TOO_LARGE`. */
    maxMessageChars: number;
    /** Characters of one `MessageDeltaEvent`; a larger provider chunk is split, nothing lost. */
    maxDeltaChars: number;
    /** Characters (JSON) of one tool call's arguments; a larger call fails without running. */
    maxToolArgumentChars: number;
    /**
     * Bytes of events one subscription may fall behind by (per stream, on each gateway); past
     * it the stream ends with `SLOW_CONSUMER` and the client resumes from its cursor.
     */
    maxBufferedBytes: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment for one process role. Throws `ConfigError` listing every problem. */
export function parseConfig(env: Record<string, string | undefined>, role: Role): Config {
  const problems: string[] = [];
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.') || 'environment'}: ${issue.message}`);
    }
  }
  const providers = parseProviders(cleaned.PROVIDERS, problems);
  // Cross-field rules read the raw values, so they are reported even when a field is malformed.
  const raw = cleaned as Partial<Record<keyof z.infer<typeof envSchema>, string>>;
  if (raw.DATABASE_URL && raw.MONGODB_URI) {
    problems.push('DATABASE_URL and MONGODB_URI: set one store, not both');
  }
  if (role !== 'embedded') {
    if (!raw.REDIS_URL) {
      problems.push(`REDIS_URL: required for \`npm run ${role}\` (distributed mode)`);
    }
    if (!raw.DATABASE_URL && !raw.MONGODB_URI) {
      problems.push(
        `DATABASE_URL or MONGODB_URI: required for \`npm run ${role}\`; use \`npm start\` for the embedded store`,
      );
    }
  }
  if (raw.AGENTGATE_BOOTSTRAP_TOKEN && !isPlausibleToken(raw.AGENTGATE_BOOTSTRAP_TOKEN)) {
    problems.push(
      'AGENTGATE_BOOTSTRAP_TOKEN: must be 32 to 256 printable characters without spaces; `npm run token -- generate` prints a good one',
    );
  }
  if (raw.AGENTGATE_BOOTSTRAP_TENANT && !raw.AGENTGATE_BOOTSTRAP_TOKEN) {
    problems.push('AGENTGATE_BOOTSTRAP_TENANT: set it together with AGENTGATE_BOOTSTRAP_TOKEN');
  }
  const corsOrigins = parseCorsOrigins(raw.CORS_ORIGINS, problems);
  // Hardening (docs/metrics.md): a guessable metrics token, or one port for two listeners.
  if (raw.METRICS_TOKEN && !isPlausibleToken(raw.METRICS_TOKEN)) {
    problems.push(
      'METRICS_TOKEN: must be 32 to 256 printable characters without spaces; `npm run token -- generate` prints a good one',
    );
  }
  const metricsPort = Number(raw.METRICS_PORT ?? 0);
  if (role !== 'worker' && metricsPort !== 0 && metricsPort === Number(raw.PORT ?? 4000)) {
    problems.push('METRICS_PORT: must differ from PORT (it is a listener of its own)');
  }
  const metricsModels = parseList(raw.METRICS_MODELS);
  for (const model of metricsModels) {
    if (!/^[^:\s]+:\S+$/.test(model) || model.length > MAX_MODEL_CHARS) {
      problems.push(
        `METRICS_MODELS: ${JSON.stringify(model.slice(0, 80))} is not a model string like openai:gpt-4.1 (at most ${MAX_MODEL_CHARS} characters)`,
      );
    }
  }
  const secretKeys = parseSecretKeySettings(raw.SECRETS_KEYS, raw.SECRETS_KEY, problems);
  let egressAllow: EgressAllowList = [];
  try {
    egressAllow = parseEgressAllow(raw.EGRESS_ALLOW);
  } catch (error) {
    problems.push(`EGRESS_ALLOW: ${(error as Error).message}`);
  }
  const drainMs = Number(raw.WORKER_DRAIN_MS ?? 8_000);
  const shutdownMs = Number(raw.SHUTDOWN_TIMEOUT_MS ?? 10_000);
  if (role !== 'gateway' && drainMs >= shutdownMs) {
    problems.push(
      'WORKER_DRAIN_MS: must be less than SHUTDOWN_TIMEOUT_MS, which must also leave time to hand the remaining runs back',
    );
  }
  if (!parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  if (e.OPENAI_API_KEY || e.OPENAI_BASE_URL) {
    providers.push({
      name: 'openai',
      type: 'openai',
      apiKey: e.OPENAI_API_KEY,
      baseURL: e.OPENAI_BASE_URL,
    });
  }
  if (e.ANTHROPIC_API_KEY || e.ANTHROPIC_BASE_URL) {
    providers.push({
      name: 'anthropic',
      type: 'anthropic',
      apiKey: e.ANTHROPIC_API_KEY,
      baseURL: e.ANTHROPIC_BASE_URL,
    });
  }
  const names = new Set<string>(['demo']);
  for (const provider of providers) {
    if (names.has(provider.name))
      problems.push(`PROVIDERS: provider "${provider.name}" is defined twice`);
    names.add(provider.name);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const store: StoreConfig = e.DATABASE_URL
    ? { kind: 'postgres', url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA }
    : e.MONGODB_URI
      ? { kind: 'mongo', uri: e.MONGODB_URI }
      : { kind: 'pglite', dataDir: e.DATA_DIR };

  return {
    role,
    mode: e.REDIS_URL ? 'distributed' : 'embedded',
    server: { host: e.HOST, port: e.PORT },
    store,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : null,
    worker: { concurrency: e.WORKER_CONCURRENCY, drainMs: e.WORKER_DRAIN_MS },
    runs: {
      maxPromptChars: e.MAX_PROMPT_CHARS,
      defaultMaxTurns: e.DEFAULT_MAX_TURNS,
      cancelGraceMs: e.CANCEL_GRACE_MS,
      queueTimeoutMs: e.RUN_QUEUE_TIMEOUT_MS,
      runTimeoutMs: e.RUN_TIMEOUT_MS,
      maxAttempts: e.RUN_MAX_ATTEMPTS,
      sweepIntervalMs: e.RUN_SWEEP_INTERVAL_MS,
      requeueAfterMs: e.RUN_REQUEUE_AFTER_MS,
      contextBudgetTokens: e.CONTEXT_BUDGET_TOKENS,
    },
    queue: {
      lockDurationMs: e.QUEUE_LOCK_DURATION_MS,
      stalledIntervalMs: e.QUEUE_STALLED_INTERVAL_MS,
    },
    events: { retentionSeconds: e.EVENT_RETENTION_SECONDS },
    mcp: {
      connectTimeoutMs: e.MCP_CONNECT_TIMEOUT_MS,
      toolTimeoutMs: e.MCP_TOOL_TIMEOUT_MS,
      maxResultChars: e.MCP_TOOL_RESULT_MAX_CHARS,
      poolIdleMs: e.MCP_POOL_IDLE_MS,
      // A stdio server runs a command on this host (workers, and a gateway for testMcpServer):
      // allowed by default only while one local user is served.
      stdio: e.MCP_ALLOW_STDIO ? (e.MCP_ALLOW_STDIO === 'true' ? 'on' : 'off') : 'local',
      stdioUser: e.MCP_STDIO_USER ?? null,
    },
    egress: { allow: egressAllow },
    secrets: {
      keys: secretKeys,
      // Embedded and nothing configured: a key generated once under DATA_DIR, so `npm start`
      // works as it is. Distributed processes must share keys, so they never generate one.
      keyFile:
        secretKeys.length === 0 && role === 'embedded' && !e.REDIS_URL
          ? `${e.DATA_DIR.replace(/\/+$/, '')}/secrets.key`
          : null,
    },
    models: {
      providers,
      maxRetries: e.MODEL_MAX_RETRIES,
      retryBaseMs: e.MODEL_RETRY_BASE_MS,
      retryMaxDelayMs: e.MODEL_RETRY_MAX_DELAY_MS,
    },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    metrics: {
      port: e.METRICS_PORT ?? null,
      token: e.METRICS_TOKEN ?? null,
      models: metricsModels,
    },
    clients: {
      trustProxyHops: e.TRUST_PROXY_HOPS,
      authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    auth: {
      bootstrap: e.AGENTGATE_BOOTSTRAP_TOKEN
        ? {
            token: e.AGENTGATE_BOOTSTRAP_TOKEN,
            tenantId: e.AGENTGATE_BOOTSTRAP_TENANT ?? DEFAULT_TENANT_ID,
          }
        : null,
      allowAnonymous: role === 'embedded' && !e.REDIS_URL && isLoopbackHost(e.HOST),
    },
    protection: {
      maxDepth: e.MAX_QUERY_DEPTH,
      maxCost: e.MAX_QUERY_COST,
      maxAliases: e.MAX_ALIASES,
      maxTokens: e.MAX_QUERY_TOKENS,
      maxBatchOperations: e.MAX_BATCH_OPERATIONS,
      maxBodyBytes: e.MAX_BODY_BYTES,
      ratePerMinute: e.RATE_LIMIT_PER_MINUTE,
      maxSubscriptionsPerToken: e.MAX_SUBSCRIPTIONS_PER_TOKEN,
      graphiql: e.GRAPHIQL,
      introspection: e.INTROSPECTION,
      csrfPrevention: e.CSRF_PREVENTION,
      corsOrigins,
    },
    output: {
      maxMessageChars: e.MAX_MESSAGE_CHARS,
      maxDeltaChars: e.MAX_DELTA_CHARS,
      maxToolArgumentChars: e.MAX_TOOL_ARGUMENT_CHARS,
      maxBufferedBytes: e.SSE_MAX_BUFFERED_BYTES,
    },
  };
}

/** The protection settings when nothing is configured. */
export function defaultProtection(): ProtectionConfig {
  return parseConfig({}, 'embedded').protection;
}

/** The client settings (TRUST_PROXY_HOPS, AUTH_FAILURES_PER_MINUTE) when nothing is configured. */
export function defaultClients(): Config['clients'] {
  return parseConfig({}, 'embedded').clients;
}

/** True for a listen address or host name that only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^(::ffff:)?127(\.\d{1,3}){3}$/.test(name)
  );
}

/** A comma-separated list, entries trimmed, empty ones dropped. */
function parseList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** `*`, or a comma-separated list of origins such as `https://console.example.com`. */
function parseCorsOrigins(raw: string | undefined, problems: string[]): string[] | '*' {
  if (!raw) return [];
  if (raw.trim() === '*') return '*';
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {}
    if (parsed?.origin !== origin) {
      problems.push(
        `CORS_ORIGINS: ${JSON.stringify(origin)} is not an origin like https://console.example.com (scheme, host, optional port, no path)`,
      );
    }
  }
  return origins;
}

/** `SECRETS_KEYS` (a list) or `SECRETS_KEY` (one key); reports problems without echoing keys. */
function parseSecretKeySettings(
  list: string | undefined,
  single: string | undefined,
  problems: string[],
): SecretKey[] {
  if (list && single) {
    problems.push('SECRETS_KEYS and SECRETS_KEY: set one, not both');
    return [];
  }
  const raw = list ?? single;
  if (!raw) return [];
  try {
    return parseSecretKeys(raw);
  } catch (error) {
    problems.push(`${list ? 'SECRETS_KEYS' : 'SECRETS_KEY'}: ${(error as Error).message}`);
    return [];
  }
}

function parseProviders(raw: string | undefined, problems: string[]): ProviderSettings[] {
  if (!raw) return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    problems.push(
      'PROVIDERS: must be a JSON array like [{"name":"ollama","type":"openai-compatible","baseURL":"http://127.0.0.1:11434/v1"}]',
    );
    return [];
  }
  const result = z.array(providerSchema).safeParse(json);
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(`PROVIDERS[${issue.path.join('.')}]: ${issue.message}`);
    }
    return [];
  }
  for (const p of result.data) {
    if (p.type === 'openai-compatible' && !p.baseURL) {
      problems.push(`PROVIDERS: "${p.name}" is openai-compatible and needs a baseURL`);
    }
  }
  return result.data;
}
