import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkflow, createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The event subscriptions over Apollo's multipart HTTP protocol, what Apollo Client's HttpLink
 * sends (server/multipart-subscriptions.ts), through the whole gateway.
 */

let t: TestApp;
beforeAll(async () => {
  // One subscription at a time: a slot that is not given back shows at once.
  t = await createTestApp({ protection: { maxSubscriptionsPerToken: 1 } });
});
afterAll(async () => {
  await t.close();
});

const APOLLO_ACCEPT =
  'multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/graphql-response+json,application/json;q=0.9';

function subscribe(query: string, variables: Record<string, unknown>) {
  return t.app.fetch('http://agentgate.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: APOLLO_ACCEPT },
    body: JSON.stringify({ query, variables }),
  });
}

/** The JSON parts that are not heartbeats. */
function payloadsOf(text: string): unknown[] {
  return text
    .split('\r\n--graphql')
    .slice(1, -1)
    .map((chunk) => JSON.parse(chunk.slice(chunk.indexOf('\r\n\r\n') + 4)) as unknown)
    .filter((part) => JSON.stringify(part) !== '{}');
}

async function startRun(prompt: string) {
  const { workflowId } = await createDemoWorkflow(t);
  const { sendPrompt } = await t.data<{ sendPrompt: { id: string } }>(
    'mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }',
    { input: { workflowId, prompt } },
  );
  return { workflowId, runId: sendPrompt.id };
}

describe('runEvents over multipart HTTP', () => {
  it("sends every event of the run as a payload part and closes after the run's last status", async () => {
    const { runId } = await startRun('hello in parts');
    const response = await subscribe(
      'subscription ($runId: ID!) { runEvents(runId: $runId) { __typename ... on MessageDeltaEvent { delta } ... on RunStatusEvent { status } } }',
      { runId },
    );
    expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed;boundary="graphql"/);
    const text = await response.text();
    expect(text.endsWith('\r\n--graphql--\r\n')).toBe(true);
    const events = (
      payloadsOf(text) as { payload: { data: { runEvents: Record<string, string> } } }[]
    ).map((part) => part.payload.data.runEvents);
    expect(events.map((e) => e.delta ?? '').join('')).toBe('echo: hello in parts');
    expect(events.at(-1)).toEqual({ __typename: 'RunStatusEvent', status: 'SUCCEEDED' });
  });

  it('answers a subscription to a run that does not exist as JSON errors', async () => {
    const response = await subscribe(
      'subscription ($runId: ID!) { runEvents(runId: $runId) { id } }',
      { runId: 'missing' },
    );
    expect(response.headers.get('content-type')).toContain('application/graphql-response+json');
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('NOT_FOUND');
  });
});

describe('workflowEvents over multipart HTTP', () => {
  it('gives back its subscription slot when the client goes', async () => {
    const { workflowId } = await createDemoWorkflow(t);
    const query =
      'subscription ($workflowId: ID!) { workflowEvents(workflowId: $workflowId) { id } }';
    for (let i = 0; i < 3; i++) {
      // With one slot, a second stream is refused (429) unless the first gave its slot back.
      const response = await subscribe(query, { workflowId });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      await reader.read();
      await reader.cancel();
    }
  });
});
