import type { ModelMessage, ToolSet } from 'ai';
import { storableText, storableValue } from '../shared/domain/storable-text.ts';
import { oversizedArguments, oversizedArgumentsError, storableToolId } from './output-limits.ts';

/**
 * The tool calls of one model step (`agent-loop.ts`): each is reported STARTED, executes while
 * the model's stream is read on, and its result is reported at the step's end. Ids, names and
 * arguments are made storable and size-checked before anything is reported.
 */

/** A tool call of the current step: reported STARTED, executing, its result reported at the step's end. */
export interface PendingCall {
  toolCallId: string;
  toolName: string;
  input: unknown;
  outcome: Promise<{ failed: boolean; value: unknown }>;
}

/** A call cut off while its arguments streamed past the limit: not executed, failed. */
export function oversizedCall(
  input: { id: string; name: string; chars: number; start: string },
  max: number,
): PendingCall {
  return {
    toolCallId: storableToolId(input.id),
    toolName: storableToolId(input.name),
    input: oversizedArguments(input.start, input.chars),
    outcome: Promise.resolve({ failed: true, value: oversizedArgumentsError(input.chars, max) }),
  };
}

/**
 * Starts the tool call the model asked for. A call of a tool the agent does not have, with input
 * that is not JSON or longer than `maxArgumentChars`, or whose tool throws, fails; its error goes
 * back to the model as the result. Ids, names and input are made storable first.
 */
export function startCall(
  tools: ToolSet,
  part: { toolCallId: string; toolName: string; input: string },
  messages: ModelMessage[],
  abortSignal: AbortSignal,
  maxArgumentChars: number,
): PendingCall {
  const call = {
    toolCallId: storableToolId(part.toolCallId),
    toolName: storableToolId(part.toolName),
  };
  if (part.input.length > maxArgumentChars) {
    return {
      ...call,
      input: oversizedArguments(part.input, part.input.length),
      outcome: Promise.resolve({
        failed: true,
        value: oversizedArgumentsError(part.input.length, maxArgumentChars),
      }),
    };
  }
  let input: unknown;
  try {
    input = storableValue(part.input.trim() === '' ? {} : JSON.parse(part.input));
  } catch (error) {
    const failed = `Invalid input for tool ${call.toolName}: ${messageOf(error)}`;
    return {
      ...call,
      input: storableText(part.input),
      outcome: Promise.resolve({ failed: true, value: failed }),
    };
  }
  const tool = tools[call.toolName];
  if (!tool?.execute) {
    const available = Object.keys(tools);
    const failed = `Model tried to call unavailable tool '${call.toolName}'. ${
      available.length > 0 ? `Available tools: ${available.join(', ')}.` : 'No tools are available.'
    }`;
    return { ...call, input, outcome: Promise.resolve({ failed: true, value: failed }) };
  }
  const execute = tool.execute;
  const outcome = (async () => {
    try {
      const value: unknown = await execute(input as never, {
        toolCallId: call.toolCallId,
        messages: [...messages],
        abortSignal,
      });
      return { failed: false, value };
    } catch (error) {
      return { failed: true, value: messageOf(error) };
    }
  })();
  return { ...call, input, outcome };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
