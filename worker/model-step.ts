import type {
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
} from '@ai-sdk/provider';
import { asSchema, type ModelMessage, type ToolSet } from 'ai';

/**
 * What one model step needs from the AI SDK's language-model specification, without `streamText`:
 * the conversation as the provider prompt, and the tools as function declarations. The agent loop
 * calls `model.doStream` itself (see `agent-loop.ts` for why); everything about the wire format of
 * each provider stays in the provider packages.
 *
 * The conversation is what the loop builds: text user and assistant messages, assistant tool calls
 * and their results. Other content (files, images) is never produced, and is refused.
 */
export function toLanguageModelPrompt(
  system: string,
  messages: readonly ModelMessage[],
): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [];
  if (system.length > 0) prompt.push({ role: 'system', content: system });
  for (const message of messages) prompt.push(toProviderMessage(message));
  return prompt;
}

function toProviderMessage(message: ModelMessage): LanguageModelV3Message {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user': {
      const parts =
        typeof message.content === 'string'
          ? [{ type: 'text' as const, text: message.content }]
          : message.content.map((part) => {
              if (part.type !== 'text') throw unsupported(`a user ${part.type} part`);
              return { type: 'text' as const, text: part.text };
            });
      return { role: 'user', content: parts };
    }
    case 'assistant': {
      if (typeof message.content === 'string') {
        return { role: 'assistant', content: [{ type: 'text', text: message.content }] };
      }
      return {
        role: 'assistant',
        content: message.content.map((part) => {
          switch (part.type) {
            case 'text':
              return { type: 'text', text: part.text };
            case 'reasoning':
              return { type: 'reasoning', text: part.text };
            case 'tool-call':
              return {
                type: 'tool-call',
                toolCallId: part.toolCallId,
                toolName: part.toolName,
                input: part.input,
              };
            default:
              throw unsupported(`an assistant ${part.type} part`);
          }
        }),
      };
    }
    case 'tool':
      return {
        role: 'tool',
        content: message.content.map((part) => {
          if (part.type !== 'tool-result') throw unsupported(`a tool ${part.type} part`);
          return {
            type: 'tool-result',
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            output: part.output as LanguageModelV3ToolResultOutput,
          };
        }),
      };
  }
}

function unsupported(what: string): Error {
  return new Error(`The agent loop does not send ${what} to models.`);
}

/** The tools as the provider declares them (name, description, JSON schema of the input). */
export async function toFunctionTools(tools: ToolSet): Promise<LanguageModelV3FunctionTool[]> {
  return Promise.all(
    Object.entries(tools).map(async ([name, tool]) => ({
      type: 'function' as const,
      name,
      description: tool.description,
      inputSchema: await asSchema(tool.inputSchema).jsonSchema,
    })),
  );
}

/** How a tool's output is told to the model: text as text, anything else as JSON. */
export function toolOutput(value: unknown): LanguageModelV3ToolResultOutput {
  return typeof value === 'string'
    ? { type: 'text', value }
    : { type: 'json', value: (value ?? null) as never };
}
