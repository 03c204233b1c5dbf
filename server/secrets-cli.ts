/**
 * `npm run secrets -- generate-key [id] | rotate`: prints a new key for SECRETS_KEYS, or re-seals
 * every stored secret under the first key of SECRETS_KEYS (README "Secrets", rotating keys).
 */
import { createStore } from '../shared/adapters/index.ts';
import { parseConfig } from '../shared/config.ts';
import { exitOnStartupError } from '../shared/lifecycle.ts';
import { createLogger } from '../shared/logger.ts';
import { loadSecretCipher } from '../shared/secrets/keyring.ts';
import { rotateSecrets } from '../shared/secrets/rotate.ts';
import { generateSecretKey } from '../shared/secrets/secret-cipher.ts';

const USAGE = 'usage: npm run secrets -- generate-key [id] | rotate';

try {
  // The embedded store's files (DATA_DIR) are this user's only, like `npm start` makes them.
  process.umask(0o077);
  const [command, arg] = process.argv.slice(2);
  if (command === 'generate-key') {
    process.stdout.write(`${generateSecretKey(arg)}\n`);
  } else if (command === 'rotate') {
    const config = parseConfig(process.env, 'embedded');
    const cipher = await loadSecretCipher(config.secrets);
    if (!cipher) throw new Error('SECRETS_KEYS is not set: there is no key to rotate to.');
    const logger = createLogger({ level: 'warn', format: 'json', name: 'agentgate-secrets' });
    const store = createStore(config, logger);
    try {
      await store.init();
      const report = await rotateSecrets(store.secrets, cipher);
      process.stdout.write(
        `re-sealed ${report.resealed} secret(s) under key "${cipher.currentKeyId}"; ${report.skipped} changed meanwhile and were left as they are\n`,
      );
    } finally {
      await store.close();
    }
  } else {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
  }
} catch (error) {
  exitOnStartupError(error);
}
