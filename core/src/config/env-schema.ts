import { isIP } from 'node:net';
import { z } from 'zod';
import { EndpointError, parseEndpoint, type Endpoint } from './endpoint';

/**
 * Zod pieces for environment variables, for the schemas `parseConfig` applies to a process's
 * environment (an object keyed by variable name, so every problem names its variable). Each piece
 * takes the raw value (a string, or absent) and gives the typed one or its default.
 *
 * One rule for all of them: an unset variable takes the default; so does an empty one, except for
 * plain strings, where an empty value is a value (as the Pacer processes always read them).
 */
const rawValue = z.string().optional();

const unset = (text: string | undefined): text is undefined | '' => text === undefined || text === '';

export interface IntegerBounds {
  min?: number;
  max?: number;
}

/**
 * An integer with optional bounds. The text is read with `Number()`, as the Pacer processes have
 * always read their variables (surrounding spaces are ignored; `1e3` is 1000).
 */
export function envInteger(fallback: number, bounds: IntegerBounds = {}) {
  return rawValue.transform((text, ctx): number => {
    if (unset(text)) return fallback;
    const n = Number(text);
    const inBounds = (bounds.min === undefined || n >= bounds.min) && (bounds.max === undefined || n <= bounds.max);
    if (Number.isInteger(n) && inBounds) return n;
    ctx.addIssue({ code: 'custom', message: `must be an integer${describeBounds(bounds)}, got '${text}'` });
    return z.NEVER;
  });
}

function describeBounds({ min, max }: IntegerBounds): string {
  return `${min === undefined ? '' : ` >= ${min}`}${max === undefined ? '' : ` <= ${max}`}`;
}

/** `true` or `false`, exactly. */
export function envBoolean(fallback: boolean) {
  return rawValue.transform((text, ctx): boolean => {
    if (unset(text)) return fallback;
    if (text === 'true' || text === 'false') return text === 'true';
    ctx.addIssue({ code: 'custom', message: `must be true or false, got '${text}'` });
    return z.NEVER;
  });
}

/** Any string; the default only when the variable is unset (an empty value stays empty). */
export function envString(fallback: string) {
  return rawValue.transform((text): string => text ?? fallback);
}

/** A string that must be given and not be empty. */
export function envRequired() {
  return rawValue.transform((text, ctx): string => {
    if (!unset(text)) return text;
    ctx.addIssue({ code: 'custom', message: 'is required' });
    return z.NEVER;
  });
}

/** A string matching `pattern` (described as `shape` in the message), with a default when unset. */
export function envMatching(fallback: string, pattern: RegExp, shape: string) {
  return rawValue.transform((text, ctx): string => {
    const value = text ?? fallback;
    if (pattern.test(value)) return value;
    ctx.addIssue({ code: 'custom', message: `must match ${shape}, got '${value}'` });
    return z.NEVER;
  });
}

/** `host:port`, read by the one endpoint parser (core/src/config/endpoint.ts); absent → `fallback`. */
export function envEndpoint(fallback?: Endpoint) {
  return rawValue.transform((text, ctx): Endpoint | undefined => {
    if (unset(text)) return fallback;
    try {
      return parseEndpoint(text);
    } catch (e) {
      if (!(e instanceof EndpointError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message });
      return z.NEVER;
    }
  });
}

/**
 * The environment a process reads: `env` with `overrides` (command-line flags, mapped to the
 * variables they stand for) on top; an override that is undefined leaves the variable as it is.
 */
export function withOverrides(env: NodeJS.ProcessEnv, overrides: Partial<Record<string, string>>): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(overrides)) if (value !== undefined) merged[name] = value;
  return merged;
}

/** A process's default bind address for HTTP side ports: this host only. */
export const DEFAULT_BIND_ADDRESS = '127.0.0.1';

/**
 * The bind address of an HTTP side port (broker PACER_ADMIN_HOST, controller
 * PACER_CONTROLLER_STATUS_HOST, copier PINLATER_COPIER_STATUS_HOST): an IP address, not a host
 * name; 127.0.0.1 (this host only, the default) or 0.0.0.0 (every interface: kubelet httpGet
 * probes and Prometheus in a pod). Unset or empty takes the fallback.
 */
export function envBindAddress(fallback: string = DEFAULT_BIND_ADDRESS) {
  return z.string().optional().transform((text, ctx): string => {
    if (text === undefined || text === '') return fallback;
    if (isIP(text) !== 0) return text;
    ctx.addIssue({ code: 'custom', message: `must be an IP address to listen on (127.0.0.1: this host only, 0.0.0.0: every interface), got '${text}'` });
    return z.NEVER;
  });
}
