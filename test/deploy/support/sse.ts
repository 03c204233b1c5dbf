/**
 * A raw GraphQL-over-SSE reader for tests that care about bytes and timing: keep-alive comments
 * included, each item stamped with the time it was read.
 */

export interface SseItem {
  /** `comment`: a keep-alive line (`:`); `next`: an event; `complete`: the end of the operation. */
  kind: 'comment' | 'next' | 'complete';
  /** The parsed `data` of a `next` item. */
  data?: { data?: Record<string, unknown>; errors?: { message: string }[] };
  /** `performance.now()` when the item was read. */
  at: number;
}

export interface SseStream {
  readonly items: readonly SseItem[];
  /** Resolves with the time the stream ended (server closed it, or it failed). */
  readonly ended: Promise<number>;
  isOpen(): boolean;
  /** Resolves with the first item (from `from` on) that passes `test`; rejects after `timeoutMs`. */
  next(test: (item: SseItem) => boolean, timeoutMs: number, from?: number): Promise<SseItem>;
  close(): void;
}

/** POSTs a subscription with `accept: text/event-stream` and reads the answer as it arrives. */
export async function openSse(
  url: string,
  operation: { query: string; variables?: Record<string, unknown> },
  headers: Record<string, string> = {},
): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify(operation),
    signal: abort.signal,
  });
  if (response.status !== 200 || !response.body) {
    throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  }
  const items: SseItem[] = [];
  const waiters = new Set<() => void>();
  let open = true;
  const notify = () => {
    for (const wake of waiters) wake();
  };

  const ended = (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const item = parseBlock(block);
          if (item) items.push(item);
          end = buffer.indexOf('\n\n');
        }
        notify();
      }
    } catch {
      // Aborted by close(), or the connection was cut: either way the stream has ended.
    } finally {
      open = false;
      notify();
    }
    return performance.now();
  })();

  return {
    items,
    ended,
    isOpen: () => open,
    next(test, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = items.slice(from).find(test);
          if (found) return finish(() => resolve(found));
          if (!open) finish(() => reject(new Error('the stream ended before the item arrived')));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no such item within ${timeoutMs} ms`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}

function parseBlock(block: string): SseItem | null {
  const at = performance.now();
  const lines = block.split('\n');
  if (lines.every((line) => line.startsWith(':'))) return { kind: 'comment', at };
  const event = lines
    .find((line) => line.startsWith('event:'))
    ?.slice(6)
    .trim();
  const data = lines
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trim())
    .join('\n');
  if (event === 'complete') return { kind: 'complete', at };
  if (event === 'next' || (event === undefined && data)) {
    return { kind: 'next', data: JSON.parse(data), at };
  }
  return null;
}
