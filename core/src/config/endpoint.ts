/**
 * The one way to read a TCP endpoint from configuration, as `host:port` text (Pacer broker routes,
 * environment variables) or as PinLater's JSON object `{"host": "…", "port": 6379}` (the legacy
 * backend JSON files), so every file and variable accepts the same hosts and ports.
 */
export interface Endpoint {
  host: string;
  port: number;
}

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** An endpoint that does not parse; the message names the text and what is wrong with it. */
export class EndpointError extends Error {
  constructor(text: string, reason: string, what = 'endpoint') {
    super(`Invalid ${what} '${text}': ${reason}`);
    this.name = 'EndpointError';
  }
}

/** A port a client can connect to: an integer in 1..65535 (0 means "any" only to a listener). */
export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_PORT && value <= MAX_PORT;
}

/** A host name or address: non-empty, without whitespace. */
export function isHost(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !/\s/.test(value);
}

/**
 * Parses `host:port` (surrounding whitespace ignored). An IPv6 address is written in brackets,
 * `[::1]:9191`, and comes back without them; a bare `::1:9191` is refused as ambiguous. `what`
 * names the endpoint in the error (`Invalid broker endpoint '…': …`).
 */
export function parseEndpoint(text: string, what = 'endpoint'): Endpoint {
  const fail = (reason: string): never => {
    throw new EndpointError(text, reason, what);
  };
  const trimmed = text.trim();
  const m = /^(?:\[([^\]]*)\]|([^[\]:]*)):([^:]*)$/.exec(trimmed);
  if (m === null) return fail('expected host:port, an IPv6 address in brackets ([::1]:9191)');
  const bracketed = m[1] !== undefined;
  const host = m[1] ?? m[2] ?? '';
  if (!isHost(host)) return fail('the host is empty or has whitespace');
  if (bracketed && !host.includes(':')) return fail('brackets are for IPv6 addresses only');
  const portText = m[3] ?? '';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!isPort(port)) return fail(`the port must be an integer in ${MIN_PORT}..${MAX_PORT}, got '${portText}'`);
  return { host, port };
}

export interface EndpointObjectOptions {
  /** Accept the port as a string too, parsed this way (PinLater's Jackson coerces "3306"); default: numbers only. */
  portFromText?: (text: string) => number | undefined;
}

/**
 * Reads PinLater's JSON endpoint object `{"host": …, "port": …}` (unknown fields are refused, as
 * Jackson does), appending one line per problem to `problems`, each prefixed with `where`.
 * Returns undefined when there was a problem.
 */
export function parseEndpointObject(value: unknown, where: string, problems: string[], options: EndpointObjectOptions = {}): Endpoint | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${where}: must be an object {"host": ..., "port": ...}`);
    return undefined;
  }
  const before = problems.length;
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key !== 'host' && key !== 'port') problems.push(`${where}: unknown field "${key}" (allowed: host, port)`);
  }
  const { host } = fields;
  const port = typeof fields.port === 'string' && options.portFromText ? options.portFromText(fields.port) : fields.port;
  if (!isHost(host)) problems.push(`${where}.host: must be a non-empty string without whitespace`);
  if (!isPort(port)) problems.push(`${where}.port: must be an integer in ${MIN_PORT}..${MAX_PORT}`);
  return problems.length === before && isHost(host) && isPort(port) ? { host, port } : undefined;
}
