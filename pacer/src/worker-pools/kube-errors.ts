/**
 * Every failure of a call to the Kubernetes API server as one `KubeApiError`: a kind the manager
 * can act on (retry a conflict, relist on 410 Gone, report a missing namespace) and a message an
 * operator can act on, naming the verb, resource and namespace (a 403 also names the Role rule
 * that is missing). Built from the HTTP status and the structured `Status` body the server sends
 * (`reason`, `details.kind`), never from message text.
 */
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { KindInfo } from './kube-object';
import { describeRule } from './kube-rbac';

export type KubeVerb = 'list' | 'get' | 'watch' | 'create' | 'patch' | 'delete';

export interface KubeOperation {
  readonly verb: KubeVerb;
  readonly kind: KindInfo;
  readonly namespace: string;
  readonly name?: string;
}

export type KubeErrorKind =
  | 'forbidden' | 'unauthorized' | 'namespace-missing' | 'kind-missing' | 'not-found' | 'conflict' | 'gone'
  | 'invalid' | 'throttled' | 'server-error' | 'unreachable' | 'unknown';

export class KubeApiError extends Error {
  constructor(
    readonly kind: KubeErrorKind,
    readonly operation: KubeOperation,
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KubeApiError';
  }
}

/** The fields of a Kubernetes `Status` body the mapping reads. */
interface StatusBody {
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly kind?: string; readonly name?: string };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET']);

/** `server`: the API server URL, for the messages about reaching it. */
export function toKubeApiError(error: unknown, operation: KubeOperation, server: string): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const status = httpStatusOf(error);
  const body = statusBodyOf(error);
  if (status === undefined) {
    if ((error as { name?: unknown } | null)?.name === 'AbortError') {
      return new KubeApiError('unreachable', operation, `the Kubernetes API server at ${server} did not answer in time to ${what(operation)}`, undefined, { cause: error });
    }
    const code = networkCodeOf(error);
    if (code !== undefined) return new KubeApiError('unreachable', operation, `cannot reach the Kubernetes API server at ${server} (${code}) to ${what(operation)}`, undefined, { cause: error });
    return new KubeApiError('unknown', operation, `${what(operation)} failed: ${coerceError(error).message}`, undefined, { cause: error });
  }
  const [kind, message] = describe(status, body, operation, server);
  return new KubeApiError(kind, operation, message, status, { cause: error });
}

function describe(status: number, body: StatusBody | undefined, op: KubeOperation, server: string): [KubeErrorKind, string] {
  const said = body?.message === undefined ? '' : ` (the server said: ${body.message})`;
  const resource = `${op.kind.plural}.${op.kind.group}`;
  switch (status) {
    case 401:
      return ['unauthorized', `the Kubernetes API server at ${server} rejected the pool manager's credentials (401 Unauthorized) to ${what(op)}: check the kubeconfig, or the ServiceAccount token when in-cluster`];
    case 403:
      return ['forbidden', `RBAC denies the pool manager "${op.verb}" on ${resource} in namespace "${op.namespace}" (403 Forbidden): its ServiceAccount needs a Role in "${op.namespace}" granting ${describeRule(op.kind)}, bound by a RoleBinding (docs/worker-pools.md, "RBAC")${said}`];
    case 404:
      return notFound(body, op, server, said);
    case 409:
      return ['conflict', `conflict (409) to ${what(op)}: the object changed meanwhile${said}`];
    case 410:
      return ['gone', `the resourceVersion is too old (410 Gone) to ${what(op)}: a fresh list is needed`];
    case 400:
    case 422:
      return ['invalid', `the API server refused to ${what(op)} as invalid (${status})${said}`];
    case 429:
      return ['throttled', `the API server is throttling the pool manager (429 Too Many Requests) to ${what(op)}`];
    default:
      return status >= 500 ? ['server-error', `the API server failed to ${what(op)} (${status})${said}`] : ['unknown', `${what(op)} failed (HTTP ${status})${said}`];
  }
}

function notFound(body: StatusBody | undefined, op: KubeOperation, server: string, said: string): [KubeErrorKind, string] {
  if (body?.details?.kind === 'namespaces') {
    return ['namespace-missing', `namespace "${body.details.name ?? op.namespace}" does not exist on ${server}: create it (kubectl create namespace ${op.namespace}) or pass the right --namespace`];
  }
  // A collection that 404s, or a 404 that is no Status object ("404 page not found"): the API
  // server does not serve the kind at all (a list in a missing namespace answers 200, empty).
  if (op.verb === 'list' || op.verb === 'watch' || body === undefined) {
    const hint = op.kind.kind === 'ScaledObject' ? ': KEDA is not installed in this cluster (install it, or run the pool manager without --keda)' : '';
    return ['kind-missing', `the API server at ${server} does not serve ${op.kind.plural}.${op.kind.group}/${op.kind.version}${hint}`];
  }
  return ['not-found', `${what(op)}: not found${said}`];
}

function what(op: KubeOperation): string {
  const object = op.name === undefined ? op.kind.plural : `${op.kind.kind} ${op.name}`;
  return `${op.verb} ${object} in namespace "${op.namespace}"`;
}

/** ApiException has a numeric `code`; the Watch's error a `statusCode`. */
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}

/** ApiException's `body`: the response text, a Status JSON object when the server sent one. */
function statusBodyOf(error: unknown): StatusBody | undefined {
  const body = (error as { body?: unknown } | null)?.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { kind?: unknown }).kind !== 'Status') return undefined;
  return parsed as StatusBody;
}

/** node-fetch's FetchError (`code`: ECONNREFUSED …) or a Node socket error, possibly as `cause`. */
function networkCodeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}
