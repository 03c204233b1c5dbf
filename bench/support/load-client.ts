import { type BenchProcess, spawnNode } from './processes.ts';

/** The load client process (`bench/client.ts`) and a typed-enough RPC over its IPC channel. */
export interface LoadClient {
  readonly proc: BenchProcess;
  call<T = Record<string, unknown>>(method: string, params?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export async function startLoadClient(env: Record<string, string> = {}): Promise<LoadClient> {
  const proc = spawnNode('load client', 'bench/client.ts', {
    env: { ...env, ...(process.env.BENCH_TOKEN ? { BENCH_TOKEN: process.env.BENCH_TOKEN } : {}) },
    ipc: true,
    // Many sockets and samples: give the client room.
    nodeFlags: ['--max-old-space-size=4096'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const ready = new Promise<void>((resolve, reject) => {
    proc.child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      if (message.id === 0) {
        resolve();
        return;
      }
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`load client: ${message.error}`));
      else waiter?.resolve(message.result);
    });
    proc.child.once('exit', () => {
      const error = new Error(`load client exited:\n${proc.output()}`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
  });
  await ready;
  return {
    proc,
    call<T>(method: string, params?: unknown) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.child.send({ id, method, params });
      });
    },
    stop: () => proc.stop(),
  };
}
