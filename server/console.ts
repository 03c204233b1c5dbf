import { access, readFile } from 'node:fs/promises';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../shared/logger.ts';

/** The console as served: one page, one stylesheet, one ES module with the SDK bundled in. */
export interface ConsoleBundle {
  html: string;
  css: string;
  js: string;
}

/** `web/` beside `server/`: in a checkout, and in a compiled `dist/` that ships the console. */
const WEB_DIR = new URL('../web/', import.meta.url);

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
 * The web console (`web/`) at `/console`: its page, `console.css` and `console.js`, loaded on the
 * first request and kept (see {@link loadConsole}); when that fails the answer is 503 and the
 * next request tries again. The console needs no token to load; its API calls carry the one the
 * user enters.
 */
export function useConsole(logger: Logger): Plugin {
  let bundle: Promise<ConsoleBundle> | undefined;
  const load = () => {
    bundle ??= loadConsole();
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
        logger.error({ err: error }, 'the console could not be loaded');
        endResponse(
          new fetchAPI.Response(
            'The console is not available: its files could not be built or read.',
            {
              status: 503,
              headers: SECURITY_HEADERS,
            },
          ),
        );
      }
    },
  };
}

/**
 * From source (`web/src/` is there: a checkout, `npm start`) the console is bundled in memory
 * with esbuild, so it is always fresh. Without the sources (a compiled deployment) it is read
 * from `web/dist/`, where `npm run build:console` writes it.
 */
async function loadConsole(): Promise<ConsoleBundle> {
  const sources = await access(new URL('src/main.ts', WEB_DIR)).then(
    () => true,
    () => false,
  );
  if (sources) {
    // A computed specifier: the compiled gateway neither needs nor ships the bundler.
    const bundler = (await import(new URL('bundle.ts', WEB_DIR).href)) as {
      buildConsole(): Promise<ConsoleBundle>;
    };
    return bundler.buildConsole();
  }
  const dist = new URL('dist/', WEB_DIR);
  const [html, css, js] = await Promise.all(
    ['index.html', 'console.css', 'console.js'].map((name) =>
      readFile(new URL(name, dist), 'utf8'),
    ),
  );
  return { html: html!, css: css!, js: js! };
}
