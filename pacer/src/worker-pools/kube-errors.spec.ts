import { toKubeApiError, type KubeOperation } from './kube-errors';
import { KINDS } from './kube-object';

const SERVER = 'https://k8s.example:6443';
const patch: KubeOperation = { verb: 'patch', kind: KINDS.Deployment, namespace: 'pinlater', name: 'pw-a' };
const status = (code: number, reason: string, details?: object): { code: number; body: string } => ({ code, body: JSON.stringify({ kind: 'Status', code, reason, message: `${reason} message`, ...(details === undefined ? {} : { details }) }) });

describe('toKubeApiError', () => {
  it('names the verb, resource, namespace and the Role rule on a 403', () => {
    const e = toKubeApiError(status(403, 'Forbidden', { kind: 'deployments', group: 'apps' }), patch, SERVER);
    expect(e.kind).toBe('forbidden');
    expect(e.message).toContain('RBAC denies the pool manager "patch" on deployments.apps in namespace "pinlater" (403 Forbidden)');
    expect(e.message).toContain('a Role in "pinlater" granting get, list, watch, create, patch, delete on deployments (apiGroup apps)');
  });

  it('tells a missing namespace from a missing object and from a kind the server does not serve', () => {
    expect(toKubeApiError(status(404, 'NotFound', { kind: 'namespaces', name: 'pinlater' }), patch, SERVER)).toMatchObject({
      kind: 'namespace-missing', message: `namespace "pinlater" does not exist on ${SERVER}: create it (kubectl create namespace pinlater) or pass the right --namespace`,
    });
    expect(toKubeApiError(status(404, 'NotFound', { kind: 'deployments', name: 'pw-a' }), { ...patch, verb: 'get' }, SERVER).kind).toBe('not-found');
    const keda = toKubeApiError({ code: 404, body: '404 page not found' }, { verb: 'list', kind: KINDS.ScaledObject, namespace: 'pinlater' }, SERVER);
    expect(keda.kind).toBe('kind-missing');
    expect(keda.message).toContain('does not serve scaledobjects.keda.sh/v1alpha1: KEDA is not installed');
  });

  it('maps conflicts, expiry, auth, validation, throttling and server failures', () => {
    expect(toKubeApiError(status(409, 'Conflict'), patch, SERVER).kind).toBe('conflict');
    expect(toKubeApiError({ statusCode: 410 }, { ...patch, verb: 'watch' }, SERVER).kind).toBe('gone');
    expect(toKubeApiError({ code: 401, body: undefined }, patch, SERVER).message).toContain('rejected the pool manager\'s credentials (401 Unauthorized)');
    expect(toKubeApiError(status(422, 'Invalid'), patch, SERVER)).toMatchObject({ kind: 'invalid', message: expect.stringContaining('(the server said: Invalid message)') });
    expect(toKubeApiError(status(429, 'TooManyRequests'), patch, SERVER).kind).toBe('throttled');
    expect(toKubeApiError(status(503, 'ServiceUnavailable'), patch, SERVER).kind).toBe('server-error');
  });

  it('names the server when it cannot be reached or does not answer', () => {
    const refused = Object.assign(new Error('request to https://k8s.example:6443 failed'), { type: 'system', code: 'ECONNREFUSED' });
    expect(toKubeApiError(refused, patch, SERVER)).toMatchObject({ kind: 'unreachable', message: `cannot reach the Kubernetes API server at ${SERVER} (ECONNREFUSED) to patch Deployment pw-a in namespace "pinlater"` });
    const aborted = Object.assign(new Error('The user aborted a request.'), { name: 'AbortError' });
    expect(toKubeApiError(aborted, patch, SERVER)).toMatchObject({ kind: 'unreachable', message: expect.stringContaining('did not answer in time') });
  });
});
