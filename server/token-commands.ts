import { parseArgs } from 'node:util';
import {
  type ApiToken,
  generateToken,
  hashToken,
  TENANT_ID_PATTERN,
  TOKEN_NAME_MAX,
  tokenPrefix,
} from '../shared/domain/api-tokens.ts';
import type { TokenStore } from '../shared/ports/store.ts';

/** Where a command writes: `out` gets what scripts read (the token itself), `err` the rest. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

/** The store a command works on, opened only by commands that need it. */
export interface OpenedTokenStore {
  tokens: TokenStore;
  close(): Promise<void>;
}

export const TOKEN_USAGE = `Usage: npm run token -- <command>

  create --tenant <tenant> --name <name>   create a token; prints it once, on stdout
  list [--tenant <tenant>]                 list tokens: id, tenant, name, prefix, created, last used, revoked
  revoke <id>                              revoke a token (gateways refuse it within seconds)
  generate                                 print a new random token without storing it
                                           (for AGENTGATE_BOOTSTRAP_TOKEN)

The store is the one the gateway uses: DATABASE_URL, MONGODB_URI or DATA_DIR (embedded PGlite;
stop \`npm start\` first, PGlite allows one process at a time).`;

class UsageError extends Error {}

/**
 * Runs one token command. Returns the exit code: 0 done, 1 refused (unknown id, bad input),
 * 2 usage error.
 */
export async function runTokenCommand(
  argv: readonly string[],
  io: CommandIo,
  openStore: () => Promise<OpenedTokenStore>,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'create':
        return await withStore(openStore, (tokens) => create(rest, tokens, io));
      case 'list':
        return await withStore(openStore, (tokens) => list(rest, tokens, io));
      case 'revoke':
        return await withStore(openStore, (tokens) => revoke(rest, tokens, io));
      case 'generate':
        parse(rest, {});
        io.out(generateToken());
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.err(TOKEN_USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${TOKEN_USAGE}`);
    return 2;
  }
}

async function withStore(
  openStore: () => Promise<OpenedTokenStore>,
  run: (tokens: TokenStore) => Promise<number>,
): Promise<number> {
  const store = await openStore();
  try {
    return await run(store.tokens);
  } finally {
    await store.close();
  }
}

function parse(args: readonly string[], options: Record<string, { type: 'string' }>) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function tenantOf(value: string | undefined, required: boolean): string | undefined {
  if (value === undefined) {
    if (required) throw new UsageError('--tenant is required.');
    return undefined;
  }
  if (!TENANT_ID_PATTERN.test(value)) {
    throw new UsageError(
      `--tenant ${JSON.stringify(value)}: use letters, digits, _, . and - (at most 64, starting with a letter or digit).`,
    );
  }
  return value;
}

async function create(args: readonly string[], tokens: TokenStore, io: CommandIo) {
  const { values, positionals } = parse(args, {
    tenant: { type: 'string' },
    name: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected ${positionals.join(' ')}.`);
  const tenantId = tenantOf(values.tenant, true)!;
  const name = values.name?.trim();
  if (!name || name.length > TOKEN_NAME_MAX || [...name].some((c) => c < ' ')) {
    throw new UsageError(`--name is required: 1 to ${TOKEN_NAME_MAX} printable characters.`);
  }
  const secret = generateToken();
  const { token } = await tokens.create({
    tenantId,
    name,
    hash: hashToken(secret),
    prefix: tokenPrefix(secret),
  });
  io.err(
    `Created API token ${token.id} (${token.prefix}…) for tenant ${tenantId}, name ${JSON.stringify(name)}.`,
  );
  io.err(
    'It is shown once, below; only its hash is stored. Send it as "Authorization: Bearer <token>".',
  );
  io.out(secret);
  return 0;
}

async function list(args: readonly string[], tokens: TokenStore, io: CommandIo) {
  const { values, positionals } = parse(args, { tenant: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`Unexpected ${positionals.join(' ')}.`);
  const tenantId = tenantOf(values.tenant, false);
  const found = await tokens.list(tenantId === undefined ? {} : { tenantId });
  const rows = [
    ['ID', 'TENANT', 'NAME', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED'],
    ...found.map(toRow),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) {
    io.out(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  }
  if (found.length === 0) io.err('No tokens.');
  return 0;
}

function toRow(token: ApiToken): string[] {
  const at = (date: Date | null) => (date ? date.toISOString() : '-');
  return [
    token.id,
    token.tenantId,
    token.name,
    `${token.prefix}…`,
    at(token.createdAt),
    at(token.lastUsedAt),
    at(token.revokedAt),
  ];
}

async function revoke(args: readonly string[], tokens: TokenStore, io: CommandIo) {
  const { positionals } = parse(args, {});
  if (positionals.length !== 1) throw new UsageError('revoke takes one token id (see `list`).');
  const id = positionals[0]!;
  const token = await tokens.revoke(id, new Date());
  if (!token) {
    io.err(`No token with id ${JSON.stringify(id)}; \`npm run token -- list\` shows the ids.`);
    return 1;
  }
  io.err(
    `Revoked token ${token.id} (${token.prefix}…, tenant ${token.tenantId}, name ${JSON.stringify(token.name)}) at ${token.revokedAt?.toISOString()}. Gateways refuse it within 5 seconds.`,
  );
  return 0;
}
