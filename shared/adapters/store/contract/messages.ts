import { describe, expect, it } from 'vitest';
import type { ContractContext } from './context.ts';
import { fixtures } from './context.ts';

export function describeMessages(ctx: ContractContext): void {
  const make = fixtures(ctx);

  describe('messages', () => {
    it('gives appended messages consecutive indexes across calls', async () => {
      const workflow = await make.workflow();
      const run = await make.run(workflow.id);

      const first = await ctx.store.messages.append([
        make.message(workflow.id, 'hi', { runId: run.id }),
        make.message(workflow.id, 'hello', { role: 'ASSISTANT', runId: run.id }),
      ]);
      const second = await ctx.store.messages.append([make.message(workflow.id, 'again')]);

      expect([...first, ...second].map((m) => [m.index, m.content])).toEqual([
        [1, 'hi'],
        [2, 'hello'],
        [3, 'again'],
      ]);
      expect(first[1]).toMatchObject({
        tenantId: ctx.tenant,
        workflowId: workflow.id,
        runId: run.id,
        role: 'ASSISTANT',
      });
      expect(first[1]?.createdAt).toBeInstanceOf(Date);
      expect(second[0]?.runId).toBeNull();
    });

    it('numbers the messages of each workflow on their own', async () => {
      const one = await make.workflow();
      const two = await make.workflow();

      const stored = await ctx.store.messages.append([
        make.message(one.id, 'a'),
        make.message(two.id, 'b'),
        make.message(one.id, 'c'),
      ]);

      expect(stored.map((m) => [m.workflowId, m.index, m.content])).toEqual([
        [one.id, 1, 'a'],
        [two.id, 1, 'b'],
        [one.id, 2, 'c'],
      ]);
    });

    it('returns an already stored message as stored instead of duplicating it', async () => {
      const workflow = await make.workflow();
      const original = make.message(workflow.id, 'original');
      const [stored] = await ctx.store.messages.append([original]);

      const again = await ctx.store.messages.append([
        { ...original, content: 'changed' },
        make.message(workflow.id, 'next'),
      ]);

      expect(again[0]).toEqual(stored);
      expect(again[1]?.index).toBe(2);
      const history = await ctx.store.messages.history(ctx.tenant, workflow.id);
      expect(history.map((m) => m.content)).toEqual(['original', 'next']);
    });

    it('stores a message repeated within one batch once', async () => {
      const workflow = await make.workflow();
      const message = make.message(workflow.id, 'once');

      const stored = await ctx.store.messages.append([message, message]);

      expect(stored.map((m) => m.index)).toEqual([1, 1]);
      expect(await ctx.store.messages.history(ctx.tenant, workflow.id)).toHaveLength(1);
    });

    it('keeps indexes distinct and gapless under concurrent appends', async () => {
      const workflow = await make.workflow();

      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          ctx.store.messages.append([make.message(workflow.id, `m${i}`)]),
        ),
      );

      const history = await ctx.store.messages.history(ctx.tenant, workflow.id);
      expect(history.map((m) => m.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(new Set(history.map((m) => m.content)).size).toBe(10);
    });

    it('lists messages oldest first, paging by index', async () => {
      const workflow = await make.workflow();
      await ctx.store.messages.append(
        ['one', 'two', 'three', 'four', 'five'].map((c) => make.message(workflow.id, c)),
      );
      const list = (after?: string) =>
        ctx.store.messages.list(ctx.tenant, workflow.id, { first: 2, after });

      const page1 = await list();
      const page2 = await list(String(page1.items.at(-1)?.index));
      const page3 = await list(String(page2.items.at(-1)?.index));

      expect(page1.items.map((m) => m.content)).toEqual(['one', 'two']);
      expect(page1.hasNextPage).toBe(true);
      expect(page2.items.map((m) => m.content)).toEqual(['three', 'four']);
      expect(page2.hasNextPage).toBe(true);
      expect(page3.items.map((m) => m.content)).toEqual(['five']);
      expect(page3.hasNextPage).toBe(false);
    });

    it('returns the whole conversation oldest first as history', async () => {
      const workflow = await make.workflow();
      await ctx.store.messages.append([make.message(workflow.id, 'q', { role: 'USER' })]);
      await ctx.store.messages.append([
        make.message(workflow.id, 'tool', { role: 'TOOL' }),
        make.message(workflow.id, 'a', { role: 'ASSISTANT' }),
      ]);

      const history = await ctx.store.messages.history(ctx.tenant, workflow.id);

      expect(history.map((m) => [m.index, m.role, m.content])).toEqual([
        [1, 'USER', 'q'],
        [2, 'TOOL', 'tool'],
        [3, 'ASSISTANT', 'a'],
      ]);
    });

    it('refuses to append to a workflow that does not exist', async () => {
      await expect(
        ctx.store.messages.append([make.message('missing-workflow', 'lost')]),
      ).rejects.toThrow(/not found/i);
      expect(await ctx.store.messages.history(ctx.tenant, 'missing-workflow')).toEqual([]);
    });
  });
}
