/**
 * Carries out a plan's actions against the API server, one object at a time: creates, updates
 * and scales are server-side applies of the manifest (with KEDA, a new Deployment's first
 * replicas are a second apply under their own field manager), deletes are deletes. A 409 Conflict is
 * retried after re-reading the object (when it now matches the manifest there is nothing left
 * to do), up to 4 attempts; throttling (429), 5xx and an unreachable server are retried briefly
 * too (the next pass retries again). One object's failure does not stop the others, except a
 * failure that every other object would meet too (namespace missing, credentials rejected,
 * server unreachable). Returns the failures' messages; each success and failure is logged.
 */
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { Logger } from '../../../core/src/logging/logger';
import { withBackoff, type RetryRule } from '../../../core/src/util/retry-backoff';
import type { PoolKubeClient } from './kube-client';
import { KubeApiError, type KubeErrorKind } from './kube-errors';
import { changedFields } from './pool-manager-diff';
import { KINDS } from './kube-object';
import { INITIAL_REPLICAS_FIELD_MANAGER } from './kube-labels';
import type { ApplyManifest, PlanAction } from './pool-manager-plan';

const RETRIES: Partial<Record<KubeErrorKind, RetryRule>> = {
  conflict: { attempts: 4, minDelayMs: 50, maxDelayMs: 500 },
  throttled: { attempts: 3, minDelayMs: 200, maxDelayMs: 2000 },
  'server-error': { attempts: 3, minDelayMs: 200, maxDelayMs: 2000 },
  unreachable: { attempts: 2, minDelayMs: 200, maxDelayMs: 1000 },
};
/** Failures that every other object of the pass would meet as well. */
const STOPS_THE_PASS: ReadonlySet<KubeErrorKind> = new Set(['namespace-missing', 'unauthorized', 'unreachable']);

export async function applyPlan(client: PoolKubeClient, actions: readonly PlanAction[], logger: Logger): Promise<KubeApiError[]> {
  const failures: KubeApiError[] = [];
  for (const action of actions) {
    if (action.kind === 'unchanged') continue;
    try {
      await applyAction(client, action, logger);
      logger.info(describeAction(action), `${action.kind} ${action.object} ${action.name}`);
    } catch (e) {
      const error = asKubeError(e, action);
      failures.push(error);
      logger.error({ ...describeAction(action), errorKind: error.kind, status: error.status }, error.message);
      if (STOPS_THE_PASS.has(error.kind)) break;
    }
  }
  return failures;
}

async function applyAction(client: PoolKubeClient, action: Exclude<PlanAction, { kind: 'unchanged' }>, logger: Logger): Promise<void> {
  if (action.kind === 'delete') {
    await withBackoff(() => client.delete(action.object, action.namespace, action.name), ruleFor);
    return;
  }
  let reread = false;
  await withBackoff(async () => {
    if (reread) {
      reread = false;
      const now = await client.read(action.object, action.namespace, action.name);
      if (now !== undefined && changedFields(action.manifest, now).length === 0) return;
    }
    await client.apply(action.object, action.manifest);
    if (action.kind === 'create' && action.initialReplicas !== undefined) await client.apply(action.object, initialReplicas(action), INITIAL_REPLICAS_FIELD_MANAGER);
  }, ruleFor, {
    onRetry: (e, retry) => {
      if (e instanceof KubeApiError && e.kind === 'conflict') {
        reread = true;
        logger.warn({ object: action.object, name: action.name, retry }, 'conflict (409); re-reading and applying again');
      }
    },
  });
}

/** Only `spec.replicas`, applied by its own field manager (kube-labels.ts `INITIAL_REPLICAS_FIELD_MANAGER`). */
function initialReplicas(action: Extract<PlanAction, { kind: 'create' }>): ApplyManifest {
  const { apiVersion, kind, metadata } = action.manifest;
  return { apiVersion, kind, metadata: { name: metadata.name, namespace: metadata.namespace }, spec: { replicas: action.initialReplicas } };
}

function ruleFor(e: unknown): RetryRule | undefined {
  return e instanceof KubeApiError ? RETRIES[e.kind] : undefined;
}

function asKubeError(e: unknown, action: PlanAction): KubeApiError {
  if (e instanceof KubeApiError) return e.kind === 'conflict' ? new KubeApiError('conflict', e.operation, `${e.message} (still conflicting after ${RETRIES.conflict?.attempts ?? 1} attempts)`, e.status, { cause: e }) : e;
  const operation = { verb: action.kind === 'delete' ? 'delete' as const : 'patch' as const, kind: KINDS[action.object], namespace: action.namespace, name: action.name };
  return new KubeApiError('unknown', operation, `${action.kind} ${action.object} ${action.name} failed: ${coerceError(e).message}`, undefined, { cause: e });
}

function describeAction(action: PlanAction): Record<string, unknown> {
  const base = { action: action.kind, object: action.object, name: action.name, queue: action.queue ?? null };
  if (action.kind === 'update') return { ...base, fields: action.changes.map((c) => c.field) };
  if (action.kind === 'scale') return { ...base, from: action.from ?? null, to: action.to };
  if (action.kind === 'create' && action.initialReplicas !== undefined) return { ...base, initialReplicas: action.initialReplicas };
  if (action.kind === 'delete') return { ...base, reason: action.reason };
  return base;
}
