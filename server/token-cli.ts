/**
 * `npm run token -- create --tenant acme --name ci | list [--tenant acme] | revoke <id> | generate`:
 * manages API tokens in the store the gateways use (DATABASE_URL, MONGODB_URI or DATA_DIR).
 */
import { createStore } from '../shared/adapters/index.ts';
import { parseConfig } from '../shared/config.ts';
import { exitOnStartupError } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { runTokenCommand } from './token-commands.ts';

try {
  // The embedded store's files (DATA_DIR) are this user's only, like `npm start` makes them.
  process.umask(0o077);
  const config = parseConfig(process.env, 'embedded');
  const logger = createLogger({ level: 'warn', format: 'json', name: 'agentgate-token' });
  const code = await runTokenCommand(
    process.argv.slice(2),
    {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    },
    async () => {
      const store = createStore(config, logger);
      await store.init();
      return { tokens: store.tokens, close: () => store.close() };
    },
  );
  process.exitCode = code;
} catch (error) {
  exitOnStartupError(error);
}
