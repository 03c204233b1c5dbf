import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../shared/logger.ts';
import type { ConsoleBundle } from '../web/bundle.ts';

/** Where the console is served. */
export const CONSOLE_PATH = '/console';

/**
 * Headers of every console response. The page loads only its own script and stylesheet and talks
 * only to this gateway.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/**
 * The web console (`web/`) at `/console`: its page, `console.css` and `console.js`. The bundle is
 * built in memory on the first request and kept; a failed build answers 503 and is tried again
 * on the next request. The console needs no token to load; its API calls carry the one the user
 * enters.
 */
export function useConsole(logger: Logger): Plugin {
  let bundle: Promise<ConsoleBundle> | undefined;
  const load = () => {
    bundle ??= import('../web/bundle.ts').then((m) => m.buildConsole());
    bundle.catch(() => {
      bundle = undefined;
    });
    return bundle;
  };

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const path = url.pathname;
      if (path !== CONSOLE_PATH && !path.startsWith(`${CONSOLE_PATH}/`)) return;
      const asset = path.slice(CONSOLE_PATH.length).replace(/^\//, '') || 'index.html';
      const types: Record<string, [keyof ConsoleBundle, string]> = {
        'index.html': ['html', 'text/html; charset=utf-8'],
        'console.css': ['css', 'text/css; charset=utf-8'],
        'console.js': ['js', 'text/javascript; charset=utf-8'],
      };
      const entry = types[asset];
      if (!entry) {
        endResponse(new fetchAPI.Response('Not found', { status: 404, headers: SECURITY_HEADERS }));
        return;
      }
      try {
        const built = await load();
        endResponse(
          new fetchAPI.Response(built[entry[0]], {
            headers: { ...SECURITY_HEADERS, 'content-type': entry[1] },
          }),
        );
      } catch (error) {
        logger.error({ err: error }, 'the console could not be built');
        endResponse(
          new fetchAPI.Response('The console is not available: its bundle could not be built.', {
            status: 503,
            headers: SECURITY_HEADERS,
          }),
        );
      }
    },
  };
}
