/**
 * Defaults of the output and stream size limits (docs/limits.md), defined once: configuration
 * (`shared/config.ts`), the worker's agent loop and the event buses all start from these.
 */

/** `MAX_MESSAGE_CHARS`: characters of one assistant message. */
export const DEFAULT_MAX_MESSAGE_CHARS = 1_000_000;
/** `MAX_DELTA_CHARS`: characters of one `MessageDeltaEvent`; larger provider chunks are split. */
export const DEFAULT_MAX_DELTA_CHARS = 16_384;
/** `MAX_TOOL_ARGUMENT_CHARS`: characters (JSON) of one tool call's arguments. */
export const DEFAULT_MAX_TOOL_ARGUMENT_CHARS = 100_000;
/** `SSE_MAX_BUFFERED_BYTES`: bytes of events one subscriber may fall behind by: 4 MiB. */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
