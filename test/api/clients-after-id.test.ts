import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkflow, createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Resuming with a cursor declared as the events' `id` is typed: `afterId: ID` beside
 * `after: String`, so `$after: ID` variables (codegen users') validate and `$after: String`
 * ones keep working.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Event {
  id: string;
}

/** A finished run and the ids of its events. */
async function finishedRun() {
  const { workflowId } = await createDemoWorkflow(t);
  const { sendPrompt } = await t.data<{ sendPrompt: { id: string } }>(
    'mutation ($input: SendPromptInput!) { sendPrompt(input: $input) { id } }',
    { input: { workflowId, prompt: '!words 4' } },
  );
  const events = await t.collect<{ runEvents: Event }>(
    'subscription ($runId: ID!) { runEvents(runId: $runId) { id } }',
    { runId: sendPrompt.id },
  );
  return { workflowId, runId: sendPrompt.id, ids: events.map((e) => e.runEvents.id) };
}

const idsOf = (events: { runEvents: Event }[]) => events.map((e) => e.runEvents.id);

describe('runEvents', () => {
  it('resumes after an id given in an ID variable, as afterId', async () => {
    const { runId, ids } = await finishedRun();
    const events = await t.collect<{ runEvents: Event }>(
      'subscription ($runId: ID!, $after: ID) { runEvents(runId: $runId, afterId: $after) { id } }',
      { runId, after: ids[2] },
    );
    expect(idsOf(events)).toEqual(ids.slice(3));
  });

  it('still resumes after an id given in a String variable, as after', async () => {
    const { runId, ids } = await finishedRun();
    const events = await t.collect<{ runEvents: Event }>(
      'subscription ($runId: ID!, $after: String) { runEvents(runId: $runId, after: $after) { id } }',
      { runId, after: ids[2] },
    );
    expect(idsOf(events)).toEqual(ids.slice(3));
  });

  it('refuses an ID variable in after, the String argument, as GraphQL does', async () => {
    const response = await t.gql(
      'subscription ($runId: ID!, $after: ID) { runEvents(runId: $runId, after: $after) { id } }',
      { runId: 'x', after: 'y' },
    );
    expect(response.errors?.[0]?.message).toContain(
      'Variable "$after" of type "ID" used in position expecting type "String"',
    );
  });

  it('accepts after and afterId together when they name the same event', async () => {
    const { runId, ids } = await finishedRun();
    const events = await t.collect<{ runEvents: Event }>(
      `subscription ($runId: ID!, $after: String, $afterId: ID) {
        runEvents(runId: $runId, after: $after, afterId: $afterId) { id }
      }`,
      { runId, after: ids[1], afterId: ids[1] },
    );
    expect(idsOf(events)).toEqual(ids.slice(2));
  });

  it('refuses after and afterId naming different events', async () => {
    const { runId } = await finishedRun();
    const response = await t.gql(
      'subscription ($runId: ID!) { runEvents(runId: $runId, after: "1-0", afterId: "2-0") { id } }',
      { runId },
    );
    expect(response.errors?.[0]).toMatchObject({
      message: expect.stringContaining('name different events'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

describe('workflowEvents', () => {
  it('resumes after an id given in an ID variable, as afterId', async () => {
    const { workflowId, ids } = await finishedRun();
    const events = await t.collect<{ workflowEvents: Event }>(
      'subscription ($workflowId: ID!, $after: ID) { workflowEvents(workflowId: $workflowId, afterId: $after) { id } }',
      { workflowId, after: ids[0] },
      (_, all) => all.length === ids.length - 1,
    );
    expect(events.map((e) => e.workflowEvents.id)).toEqual(ids.slice(1));
  });
});

describe('an EventSource reconnecting with Last-Event-ID', () => {
  it('resumes through afterId when the query uses afterId', async () => {
    const { runId, ids } = await finishedRun();
    const url = new URL('http://agentgate.test/graphql');
    url.searchParams.set(
      'query',
      'subscription ($runId: ID!, $after: ID) { runEvents(runId: $runId, afterId: $after) { id } }',
    );
    url.searchParams.set('variables', JSON.stringify({ runId, after: ids[0] }));
    const response = await t.app.fetch(url, {
      headers: { accept: 'text/event-stream', 'last-event-id': ids[2]! },
    });
    const text = await response.text();
    const sent = [...text.matchAll(/^id: (.+)$/gm)].map((match) => match[1]);
    expect(sent).toEqual(ids.slice(3));
  });
});
