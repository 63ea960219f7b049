/**
 * What a server says of itself, cut to a size that can be stored and sent to every dashboard:
 * name and version to 200 characters, capabilities to 16 KiB of JSON (beyond that, only their
 * names are kept). A server's 10 MB `serverInfo` was stored, and broadcast to every dashboard, whole.
 */
export const MAX_INFO_CHARS = 200;
export const MAX_CAPABILITIES_BYTES = 16 * 1024;
const MAX_SUMMARY_KEYS = 50;
const MAX_KEY_CHARS = 64;

/** `text` cut to `max` characters with an ellipsis, never between the halves of a surrogate pair. */
export function cut(text: string, max = MAX_INFO_CHARS): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

export function boundedServerInfo(info: { name: string; version: string }): {
  name: string;
  version: string;
} {
  return { name: cut(info.name), version: cut(info.version) };
}

/** The capabilities whole when small (`json` is their JSON), else each capability's name with `{}`. */
export function boundedCapabilities(capabilities: object, json: string): Record<string, unknown> {
  if (Buffer.byteLength(json, 'utf8') <= MAX_CAPABILITIES_BYTES) return { ...capabilities };
  return Object.fromEntries(
    Object.keys(capabilities)
      .slice(0, MAX_SUMMARY_KEYS)
      .map((name) => [cut(name, MAX_KEY_CHARS), {}]),
  );
}
