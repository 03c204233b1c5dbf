import { z } from 'zod';

/**
 * Configuration: one zod schema over the environment, parsed once by an entry point.
 * Nothing else reads `process.env`. Every problem is reported at once.
 */

export type Role = 'embedded' | 'gateway' | 'worker';

const intFrom = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

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
  MAX_PROMPT_CHARS: intFrom(1, 10_000_000, 100_000),
  DEFAULT_MAX_TURNS: intFrom(1, 1_000, 10),
  EVENT_RETENTION_SECONDS: intFrom(60, 365 * 86_400, 86_400),
  MODEL_MAX_RETRIES: intFrom(0, 10, 2),
  CANCEL_GRACE_MS: intFrom(0, 60_000, 2_000),
  SHUTDOWN_TIMEOUT_MS: intFrom(0, 600_000, 10_000),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  PROVIDERS: z.string().optional(),
});

export type ProviderSettings = z.infer<typeof providerSchema>;

export type StoreConfig =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'postgres'; url: string; schema: string | undefined }
  | { kind: 'mongo'; uri: string };

export interface Config {
  role: Role;
  /** `distributed` when Redis carries jobs and events; `embedded` keeps them in process. */
  mode: 'embedded' | 'distributed';
  server: { host: string; port: number };
  store: StoreConfig;
  redis: { url: string; prefix: string } | null;
  worker: { concurrency: number };
  runs: {
    maxPromptChars: number;
    defaultMaxTurns: number;
    /** How long `cancelRun` waits for the worker's terminal event before ending the run itself. */
    cancelGraceMs: number;
  };
  events: { retentionSeconds: number };
  models: { providers: ProviderSettings[]; maxRetries: number };
  log: { level: z.infer<typeof envSchema>['LOG_LEVEL'] };
  shutdownTimeoutMs: number;
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
    worker: { concurrency: e.WORKER_CONCURRENCY },
    runs: {
      maxPromptChars: e.MAX_PROMPT_CHARS,
      defaultMaxTurns: e.DEFAULT_MAX_TURNS,
      cancelGraceMs: e.CANCEL_GRACE_MS,
    },
    events: { retentionSeconds: e.EVENT_RETENTION_SECONDS },
    models: { providers, maxRetries: e.MODEL_MAX_RETRIES },
    log: { level: e.LOG_LEVEL },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
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
