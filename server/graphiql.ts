import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { type GraphiQLOptions, type Plugin, shouldRenderGraphiQL } from 'graphql-yoga';
import type { Logger } from '../shared/logger.ts';

/**
 * GraphiQL served whole by the gateway: the page at the GraphQL endpoint (for a browser's GET)
 * and every script, stylesheet and editor worker under {@link GRAPHIQL_ASSETS_PATH}, from the
 * `@graphql-yoga/render-graphiql` package, so it loads offline and behind proxies (Yoga's own
 * page loads them from unpkg.com). It opens on {@link GRAPHIQL_EXAMPLE}.
 */

/** Where GraphiQL's assets are served. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql';

/**
 * The document GraphiQL opens with (until the browser has a session of its own): the walk-through
 * of the README, one named operation per step, on the built-in demo model.
 */
export const GRAPHIQL_EXAMPLE = `# Welcome to Agentgate. Run these in order:
# the ▶ button offers each operation by name.
#
# 1. CreateAgent: an agent on the built-in
#    demo model (no network, no key).
# 2. CreateWorkflow: a conversation with it.
#    Put the agent's id in "agentId" in
#    Variables below.
# 3. SendPrompt: answered at once with a QUEUED
#    run. Put the workflow's id in "workflowId".
# 4. WatchRun: the run live, word by word, until
#    its last status. Put the run's id in "runId".
#    Every event has an id: give it as "after"
#    to resume after it.
#
# With API tokens on, add this in Headers below:
# {"Authorization": "Bearer <your token>"}
# The Docs pane (top left) has the schema.

mutation CreateAgent {
  createAgent(input: { name: "Echo", systemPrompt: "Be brief.", model: "demo:echo" }) {
    id
    name
    model
  }
}

mutation CreateWorkflow($agentId: ID!) {
  createWorkflow(input: { agentId: $agentId, title: "From GraphiQL" }) {
    id
  }
}

mutation SendPrompt($workflowId: ID!) {
  sendPrompt(input: { workflowId: $workflowId, prompt: "!delay 200\\nhello from GraphiQL" }) {
    id
    status
  }
}

subscription WatchRun($runId: ID!, $after: ID) {
  runEvents(runId: $runId, afterId: $after) {
    __typename
    id
    ... on RunStatusEvent { status error { code message } }
    ... on MessageDeltaEvent { delta }
    ... on UsageEvent { usage { totalTokens } }
  }
}
`;

/** What GraphiQL opens with. */
export const GRAPHIQL_OPTIONS = {
  title: 'Agentgate GraphiQL',
  defaultTabs: [
    {
      query: GRAPHIQL_EXAMPLE,
      variables: JSON.stringify({ agentId: '', workflowId: '', runId: '' }, null, 2),
    },
  ],
  defaultEditorToolsVisibility: 'variables',
} satisfies GraphiQLOptions;

/**
 * The page loads only this gateway's scripts, styles and workers and talks only to it. GraphiQL
 * (React, Monaco) sets inline styles, hence `'unsafe-inline'` for styles only.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/**
 * Starts GraphiQL once its bundle has loaded: Monaco's workers from here, then the editor. Yoga's
 * GraphiQL shows no variables for `defaultTabs`, only its `variables` option, which would replace
 * the user's own on every load: it is given on the first visit only (no stored tabs yet).
 */
const START_SCRIPT = `self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: function (_moduleId, label) {
    return ${JSON.stringify(GRAPHIQL_ASSETS_PATH)} + '/' + ({ json: 'json', graphql: 'graphql' }[label] || 'editor') + '.worker.js';
  },
};
var options = JSON.parse(document.getElementById('graphiql-options').textContent);
if (options.defaultTabs && localStorage.getItem('graphiql:tabState') === null) {
  options.variables = options.defaultTabs[0].variables;
}
YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
`;

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  gzipped: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
}

export interface GraphiQLServingOptions {
  /** Serve the page and its assets (`GRAPHIQL`, default true); false: neither. */
  enabled: boolean;
  /** The path the page is served at, for a browser's GET: the GraphQL endpoint. */
  graphqlEndpoint: string;
  logger: Logger;
}

/**
 * GraphiQL's page (when `enabled`) and assets. The assets are read from the package on the first
 * request for one and kept: about 9 MB, and 2.5 MB gzipped, which is what a browser that accepts
 * gzip gets. They are revalidated by ETag on every load.
 */
export function useGraphiQL(options: GraphiQLServingOptions): Plugin {
  const { enabled, graphqlEndpoint, logger } = options;
  let assets: Promise<Map<string, Asset>> | undefined;
  const load = () => {
    assets ??= loadAssets();
    assets.catch(() => {
      assets = undefined;
    });
    return assets;
  };
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!enabled || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      if (url.pathname === graphqlEndpoint && shouldRenderGraphiQL(request)) {
        endResponse(new fetchAPI.Response(renderPage(GRAPHIQL_OPTIONS), { headers: PAGE_HEADERS }));
        return;
      }
      if (!url.pathname.startsWith(`${GRAPHIQL_ASSETS_PATH}/`)) return;
      const name = url.pathname.slice(GRAPHIQL_ASSETS_PATH.length + 1);
      let asset: Asset | undefined;
      try {
        asset = (await load()).get(name);
      } catch (error) {
        logger.error({ err: error }, 'the GraphiQL assets could not be loaded');
        endResponse(new fetchAPI.Response('GraphiQL is not available.', { status: 503 }));
        return;
      }
      if (!asset) {
        endResponse(new fetchAPI.Response('Not found', { status: 404 }));
        return;
      }
      const headers = {
        'content-type': asset.type,
        etag: asset.etag,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        vary: 'accept-encoding',
      };
      if (request.headers.get('if-none-match') === asset.etag) {
        endResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      const gzipped = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
      endResponse(
        new fetchAPI.Response(gzipped ? asset.gzipped : asset.body, {
          headers: gzipped ? { ...headers, 'content-encoding': 'gzip' } : headers,
        }),
      );
    },
  };
}

/** The page: the options as JSON data (no inline script, so the CSP can forbid them). */
export function renderPage(graphiql: GraphiQLOptions): string {
  // `<` escaped, so no string in the options can close the script element.
  const json = JSON.stringify(graphiql).replace(/</g, '\\u003c');
  const title = (graphiql.title ?? 'GraphiQL').replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const at = GRAPHIQL_ASSETS_PATH;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="${at}/favicon.ico">
<link rel="stylesheet" href="${at}/graphiql.css">
</head>
<body id="body" class="no-focus-outline">
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root"></div>
<script type="application/json" id="graphiql-options">${json}</script>
<script src="${at}/yoga-graphiql.js"></script>
<script src="${at}/start.js"></script>
</body>
</html>
`;
}

async function loadAssets(): Promise<Map<string, Asset>> {
  const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  const favicon = /^data:([^;,]+);base64,(.*)$/s.exec(bundle.favicon);
  const sources: [string, string, string | Buffer][] = [
    ['yoga-graphiql.js', 'text/javascript; charset=utf-8', bundle.js],
    ['graphiql.css', 'text/css; charset=utf-8', bundle.css],
    ['editor.worker.js', 'text/javascript; charset=utf-8', bundle.editorWorkerService],
    ['json.worker.js', 'text/javascript; charset=utf-8', bundle.jsonWorker],
    ['graphql.worker.js', 'text/javascript; charset=utf-8', bundle.graphqlWorker],
    ['start.js', 'text/javascript; charset=utf-8', START_SCRIPT],
  ];
  if (favicon) sources.push(['favicon.ico', favicon[1]!, Buffer.from(favicon[2]!, 'base64')]);
  const compress = promisify(gzip);
  return new Map(
    await Promise.all(
      sources.map(async ([name, type, content]) => {
        const body = new Uint8Array(Buffer.from(content));
        const gzipped = new Uint8Array(await compress(body));
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
        return [name, { body, gzipped, type, etag }] as const;
      }),
    ),
  );
}
