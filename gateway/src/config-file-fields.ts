import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { EndpointError, parseEndpoint } from '../../core/src/config/endpoint';
import { parseProperties } from './properties-file';

/**
 * Zod fields of the gateway's JSON config files (routing-config.ts) that name other files or a
 * ZooKeeper ensemble. A file field reads its file while the config is validated, so a missing or
 * broken file is one more problem in the same ConfigError, not a failure halfway through startup.
 *
 * A file that cannot be read or parsed gives `undefined` with a *continuing* issue: the checks
 * across fields still run and report their problems in the same pass.
 */

/** A file named in the config, read: its absolute path and its parsed content. */
export interface LoadedFile<T> {
  readonly path: string;
  readonly content: T;
}

/** A path relative to `baseDir` (the config file's directory) unless absolute. */
function filePath(baseDir: string) {
  return z.string().min(1, 'must name a file').transform((p) => (isAbsolute(p) ? p : resolve(baseDir, p)));
}

/** Reads `path` and parses it, or adds the issue that says why it could not. */
function loadWith<T>(parse: (text: string, path: string) => T) {
  return (path: string, ctx: z.RefinementCtx): LoadedFile<T> | undefined => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, continue: true });
      return undefined;
    }
    try {
      return { path, content: parse(text, path) };
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message, continue: true });
      return undefined;
    }
  };
}

/** A JSON file (a PinLater or Pacer backend JSON), parsed. */
export function jsonFile(baseDir: string) {
  return filePath(baseDir).transform(
    loadWith((text, path): unknown => {
      try {
        return JSON.parse(text) as unknown;
      } catch (e) {
        throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
      }
    }),
  );
}

/** A PinLater server properties file, parsed into key → value. */
export function propertiesFile(baseDir: string) {
  return filePath(baseDir).transform(loadWith((text) => parseProperties(text)));
}

/** A chroot's problem: it must be absolute, with no empty, `.` or `..` segment and no trailing `/`. */
function zkPathProblem(path: string): string | undefined {
  if (!path.startsWith('/') || path === '/') return `must be an absolute ZooKeeper path below /, got '${path}'`;
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || /\s/.test(s))) return `has an empty, '.', '..' or blank segment: '${path}'`;
  return undefined;
}

/** ZooKeeper's connect string: `host:port[,host:port…][/chroot]`. */
export const zkConnectString = z.string().superRefine((text, ctx) => {
  const slash = text.indexOf('/');
  const hosts = slash < 0 ? text : text.slice(0, slash);
  for (const host of hosts.split(',')) {
    try {
      parseEndpoint(host, 'ZooKeeper server');
    } catch (e) {
      if (!(e instanceof EndpointError)) throw e;
      ctx.addIssue({ code: 'custom', message: `${e.message} (expected host:port[,host:port][/chroot])` });
    }
  }
  const chrootProblem = slash < 0 ? undefined : zkPathProblem(text.slice(slash));
  if (chrootProblem !== undefined) ctx.addIssue({ code: 'custom', message: `chroot ${chrootProblem}` });
});
