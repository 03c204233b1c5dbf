import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken } from '../../../shared/domain/api-tokens.ts';
import {
  freePorts,
  isReady,
  type ManagedProcess,
  startProcess,
  waitUntil,
} from '../../e2e/support/processes.ts';

/** How long `npm start` may take to answer /readyz (tsx compiles on the fly), in ms. */
const START_TIMEOUT_MS = 45_000;

export interface EmbeddedGateway {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:40123/graphql`. */
  graphqlUrl: string;
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /**
   * An API token of the gateway's one tenant: auth is on, as in any shared deployment. Empty
   * with `auth: false` (`npm start` as a newcomer runs it: loopback, no token).
   */
  token: string;
  process: ManagedProcess;
  /** Stops the process and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * `npm start`'s entry as its own process on a free port, with a data directory of its own, and
 * (unless `auth` is false) a bootstrap token, so that every request must authenticate.
 */
export async function startEmbeddedGateway(
  name: string,
  { auth = true }: { auth?: boolean } = {},
): Promise<EmbeddedGateway> {
  const token = auth ? generateToken() : '';
  const dataDir = mkdtempSync(join(tmpdir(), 'agentgate-clients-'));
  const [port] = (await freePorts(1)) as [number];
  const url = `http://127.0.0.1:${port}`;
  const gateway = startProcess(name, 'server/embedded.ts', {
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...(auth ? { AGENTGATE_BOOTSTRAP_TOKEN: token } : {}),
  });
  const stop = async () => {
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      `${name} to be ready`,
      () => isReady(url),
      [gateway],
      Date.now() + START_TIMEOUT_MS,
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${gateway.output()}`);
  }
  return { graphqlUrl: `${url}/graphql`, url, token, process: gateway, stop };
}
