import { dynamicTool, jsonSchema, type ToolSet } from 'ai';
import { DEMO_PROVIDER } from '../models/demo-model.ts';

/**
 * Tools every agent on the demo model has without an MCP server, so `!tool` works out of the box
 * (README walk-through, the console): `demo_echo` answers with its arguments, `demo_time` with the
 * worker's clock. An MCP server's tool of the same name takes precedence. Agents on real models
 * never see them.
 */
export function demoTools(): ToolSet {
  return {
    demo_echo: dynamicTool({
      description: 'Answers with the arguments it was given (a built-in tool of the demo model).',
      inputSchema: jsonSchema({ type: 'object', additionalProperties: true }),
      execute: async (input) => input,
    }),
    demo_time: dynamicTool({
      description:
        "The worker's current time, ISO 8601 in UTC (a built-in tool of the demo model).",
      inputSchema: jsonSchema({ type: 'object', properties: {} }),
      execute: async () => ({ now: new Date().toISOString() }),
    }),
  };
}

/** The run's tools: the demo tools for a demo model, under the agent's MCP tools. */
export function withDemoTools(model: string, tools: ToolSet | undefined): ToolSet | undefined {
  if (!model.startsWith(`${DEMO_PROVIDER}:`)) return tools;
  return { ...demoTools(), ...tools };
}
