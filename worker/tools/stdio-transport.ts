import { type ChildProcess, spawn } from 'node:child_process';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** The account a stdio server's process runs as. */
export interface StdioIdentity {
  uid: number;
  gid: number;
  /** `HOME` of the process (the worker's own is not readable by that account). */
  home: string;
}

export interface StdioTransportOptions {
  command: string;
  args: readonly string[];
  /** Added to the SDK's safe default environment (PATH, HOME, …); never the worker's own. */
  env: Record<string, string>;
  /** Run as this account instead of the worker's (only a root process may switch). */
  identity: StdioIdentity | null;
  /** Most bytes of one unfinished message read from the server (default 16 MiB). */
  maxMessageBytes?: number;
}

/** Default bound of one JSON-RPC line a stdio server writes, in bytes. */
export const DEFAULT_STDIO_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * MCP's stdio client transport, started as another account when one is given. The SDK's own
 * transport cannot set the child's user; everything else (framing, the default environment,
 * stderr ignored) matches it. A server that writes a line longer than `maxMessageBytes` is
 * stopped rather than buffered without bound.
 */
export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private child: ChildProcess | undefined;
  private readonly buffer: ReadBuffer;

  constructor(private readonly options: StdioTransportOptions) {
    this.buffer = new ReadBuffer({
      maxBufferSize: options.maxMessageBytes ?? DEFAULT_STDIO_MAX_MESSAGE_BYTES,
    });
  }

  start(): Promise<void> {
    if (this.child) throw new Error('The stdio transport is already started.');
    const { command, args, env, identity } = this.options;
    return new Promise((resolve, reject) => {
      const child = spawn(command, [...args], {
        env: {
          ...getDefaultEnvironment(),
          ...(identity ? { HOME: identity.home } : {}),
          ...env,
        },
        stdio: ['pipe', 'pipe', 'ignore'],
        shell: false,
        ...(identity ? { uid: identity.uid, gid: identity.gid } : {}),
      });
      this.child = child;
      child.on('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.on('spawn', () => resolve());
      child.on('close', () => {
        this.child = undefined;
        this.onclose?.();
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('data', (chunk: Buffer) => {
        try {
          this.buffer.append(chunk);
        } catch (error) {
          this.onerror?.(error as Error);
          this.close().catch(() => {});
          return;
        }
        for (;;) {
          let message: JSONRPCMessage | null;
          try {
            message = this.buffer.readMessage();
          } catch (error) {
            this.onerror?.(error as Error);
            continue;
          }
          if (message === null) break;
          this.onmessage?.(message);
        }
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin) return Promise.reject(new Error('Not connected'));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Ends stdin, then SIGTERM after 2 s and SIGKILL after 2 s more if the process lingers. */
  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) {
      const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
      const within = (ms: number) =>
        Promise.race([closed, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
      child.stdin?.end();
      await within(2_000);
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        if (child.exitCode !== null || child.signalCode !== null) break;
        child.kill(signal);
        if (signal === 'SIGTERM') await within(2_000);
      }
    }
    this.buffer.clear();
  }
}
