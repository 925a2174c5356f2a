/**
 * A small fake Kubernetes API server on 127.0.0.1 (http) for the pool manager's tests: no
 * cluster can run here (../shared/STACK.md), and the client code under test is the real
 * `@kubernetes/client-node`, pointed at this server by a kubeconfig written to a temp dir.
 *
 * Serves, for `deployments` (apps/v1) and `scaledobjects` (keda.sh/v1alpha1, unless KEDA is "not
 * installed"): list (label selectors), get, create (POST), server-side apply (PATCH with
 * `application/apply-patch+yaml` and a fieldManager, merged per field manager), delete, and watch (`?watch=true`: chunked
 * JSON lines, replayed from `resourceVersion`, bookmarks not sent). State: fake-kube-api-store.ts.
 *
 * Knobs (faults as the real server shows them, with its `Status` bodies):
 * - `failNext({ status: 409, method: 'PATCH' })`: the next matching request(s) fail (409 Conflict, 500 …);
 * - `deny('patch', 'deployments')`: RBAC, 403 Forbidden until `allowAll()`;
 * - namespaces: writes in a namespace that does not exist answer 404 `namespaces "x" not found`
 *   (a list answers 200, empty, as Kubernetes does); `createNamespace`/`deleteNamespace`;
 * - `dropWatches()`: cuts every open watch connection (a dropped connection);
 * - `expireHistory({ asHttpStatus })`: every resourceVersion seen so far expires, so a watch
 *   resumed from one gets 410 Gone (an ERROR event, or the HTTP status);
 * - `edit`/`remove`/`put`: someone else's writes (drift), with their watch events.
 * `requests` records every request (method, path, query, content type) for assertions.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeKubeStore, parseLabelSelector, type StoredEvent, type StoredObject } from './fake-kube-api-store';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly contentType: string | undefined;
  readonly verb: Verb;
}

export type Verb = 'list' | 'watch' | 'get' | 'create' | 'patch' | 'delete' | 'other';

export interface Fault {
  readonly status: number;
  readonly method?: string;
  readonly plural?: string;
  /** How many matching requests fail (default 1). */
  readonly times?: number;
}

interface Route {
  readonly group: string;
  readonly version: string;
  readonly namespace: string;
  readonly plural: string;
  readonly name: string | undefined;
}

interface OpenWatch {
  readonly res: ServerResponse;
  readonly route: Route;
  readonly stop: () => void;
}

const RESOURCES: Readonly<Record<string, { group: string; version: string; kind: string }>> = {
  deployments: { group: 'apps', version: 'v1', kind: 'Deployment' },
  scaledobjects: { group: 'keda.sh', version: 'v1alpha1', kind: 'ScaledObject' },
};
const USER = 'system:serviceaccount:pinlater:pool-manager';
const PATH = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/;

export class FakeKubeApi {
  readonly store = new FakeKubeStore();
  readonly requests: RecordedRequest[] = [];
  private readonly namespaces: Set<string>;
  private readonly faults: { fault: Fault; left: number }[] = [];
  private readonly denied = new Set<string>();
  private readonly watches = new Set<OpenWatch>();
  private kedaInstalled = true;
  private goneAsHttpStatus = false;
  private readonly dirs: string[] = [];

  private constructor(private readonly server: Server, readonly url: string, namespaces: readonly string[]) {
    this.namespaces = new Set(namespaces);
  }

  static async start(options: { namespaces?: readonly string[]; keda?: boolean } = {}): Promise<FakeKubeApi> {
    let api: FakeKubeApi | undefined;
    const server = createServer((req, res) => api?.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    api = new FakeKubeApi(server, `http://127.0.0.1:${port}`, options.namespaces ?? []);
    api.kedaInstalled = options.keda ?? true;
    return api;
  }

  /** A kubeconfig (JSON is YAML) for this server, in a temp dir removed by `close()`. */
  writeKubeconfig(namespace = 'default'): string {
    const dir = mkdtempSync(join(tmpdir(), 'fake-kube-'));
    this.dirs.push(dir);
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'fake',
      clusters: [{ name: 'fake', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'fake', user: { token: 'fake-token' } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace } }],
    }));
    return file;
  }

  createNamespace(namespace: string): void {
    this.namespaces.add(namespace);
  }

  deleteNamespace(namespace: string): void {
    this.namespaces.delete(namespace);
  }

  setKedaInstalled(installed: boolean): void {
    this.kedaInstalled = installed;
  }

  failNext(fault: Fault): void {
    this.faults.push({ fault, left: fault.times ?? 1 });
  }

  deny(verb: Verb, plural: string): void {
    this.denied.add(`${verb} ${plural}`);
  }

  allowAll(): void {
    this.denied.clear();
  }

  /** Cuts every open watch connection abruptly; returns how many. */
  dropWatches(): number {
    const open = [...this.watches];
    for (const w of open) {
      w.stop();
      w.res.socket?.destroy();
    }
    return open.length;
  }

  openWatches(): number {
    return this.watches.size;
  }

  expireHistory(options: { asHttpStatus?: boolean } = {}): void {
    this.goneAsHttpStatus = options.asHttpStatus ?? false;
    this.store.expireHistory();
  }

  /** Someone else's edit (kubectl edit/scale), with its MODIFIED event. */
  edit(plural: string, namespace: string, name: string, mutate: (o: StoredObject) => void): StoredObject {
    return this.store.edit(plural, namespace, name, mutate);
  }

  /** Someone else's delete, with its DELETED event. */
  remove(plural: string, namespace: string, name: string): void {
    this.store.delete(plural, namespace, name);
  }

  /** Someone else's create, with its ADDED event. */
  put(plural: string, namespace: string, body: Record<string, unknown>): StoredObject {
    const name = (body.metadata as { name: string }).name;
    return this.store.create(plural, namespace, name, body);
  }

  get(plural: string, namespace: string, name: string): StoredObject | undefined {
    return this.store.get(plural, namespace, name);
  }

  list(plural: string, namespace: string): StoredObject[] {
    return this.store.list(plural, namespace, () => true);
  }

  /** Requests that change state (what a dry run must never send). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.verb === 'create' || r.verb === 'patch' || r.verb === 'delete');
  }

  async close(): Promise<void> {
    for (const w of [...this.watches]) {
      w.stop();
      w.res.end();
    }
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        this.route(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        status(res, 500, 'InternalError', `fake kube: ${(e as Error).message}`);
      }
    });
  }

  private route(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(url.searchParams);
    const m = PATH.exec(url.pathname);
    const route: Route | undefined = m === null ? undefined : { group: m[1] ?? '', version: m[2] ?? '', namespace: decodeURIComponent(m[3] ?? ''), plural: m[4] ?? '', name: m[5] === undefined ? undefined : decodeURIComponent(m[5]) };
    const method = req.method ?? 'GET';
    const verb = verbOf(method, route, query);
    this.requests.push({ method, path: url.pathname, query, contentType: req.headers['content-type'], verb });
    if (route === undefined || !this.serves(route)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
      return;
    }
    if (this.injectedFault(res, method, route)) return;
    if (this.denied.has(`${verb} ${route.plural}`)) {
      forbidden(res, verb, route);
      return;
    }
    this.serve(res, verb, route, query, req.headers['content-type'], body);
  }

  private serves(route: Route): boolean {
    const resource = RESOURCES[route.plural];
    if (resource === undefined || resource.group !== route.group || resource.version !== route.version) return false;
    return route.plural !== 'scaledobjects' || this.kedaInstalled;
  }

  private injectedFault(res: ServerResponse, method: string, route: Route): boolean {
    const hit = this.faults.find(({ fault, left }) => left > 0 && (fault.method === undefined || fault.method === method) && (fault.plural === undefined || fault.plural === route.plural));
    if (hit === undefined) return false;
    hit.left -= 1;
    const { status: code } = hit.fault;
    if (code === 409) status(res, 409, 'Conflict', `Operation cannot be fulfilled on ${route.plural}.${route.group} "${route.name ?? ''}": the object has been modified; please apply your changes to the latest version and try again`, details(route));
    else if (code === 403) forbidden(res, verbOf(method, route, {}), route);
    else status(res, code, code >= 500 ? 'InternalError' : 'BadRequest', `injected failure ${code}`);
    return true;
  }

  private serve(res: ServerResponse, verb: Verb, route: Route, query: Record<string, string>, contentType: string | undefined, body: string): void {
    const { plural, namespace, name } = route;
    switch (verb) {
      case 'list': {
        const items = this.store.list(plural, namespace, parseLabelSelector(query.labelSelector ?? null)).map((o) => this.withKind(plural, o));
        json(res, 200, { apiVersion: `${route.group}/${route.version}`, kind: `${RESOURCES[plural]?.kind ?? ''}List`, metadata: { resourceVersion: String(this.store.resourceVersion) }, items });
        return;
      }
      case 'watch':
        this.watch(res, route, query);
        return;
      case 'get': {
        const o = this.store.get(plural, namespace, name ?? '');
        if (o === undefined) notFound(res, route);
        else json(res, 200, this.withKind(plural, o));
        return;
      }
      default:
        this.write(res, verb, route, query, contentType, body);
    }
  }

  private write(res: ServerResponse, verb: Verb, route: Route, query: Record<string, string>, contentType: string | undefined, body: string): void {
    const { plural, namespace } = route;
    if (!this.namespaces.has(namespace) && verb !== 'delete') {
      status(res, 404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
      return;
    }
    if (verb === 'delete') {
      const gone = this.store.delete(plural, namespace, route.name ?? '');
      if (gone === undefined) notFound(res, route);
      else json(res, 200, this.withKind(plural, gone));
      return;
    }
    const parsed = JSON.parse(body) as Record<string, unknown>;
    if (verb === 'create') {
      const name = (parsed.metadata as { name?: string } | undefined)?.name ?? '';
      if (this.store.get(plural, namespace, name) !== undefined) status(res, 409, 'AlreadyExists', `${plural}.${route.group} "${name}" already exists`, details(route));
      else json(res, 201, this.withKind(plural, this.store.create(plural, namespace, name, parsed)));
      return;
    }
    if (verb !== 'patch' || contentType !== 'application/apply-patch+yaml') {
      status(res, 415, 'UnsupportedMediaType', `the fake serves server-side apply only, not ${contentType ?? 'no content type'}`);
      return;
    }
    if (query.fieldManager === undefined || query.fieldManager === '') {
      status(res, 400, 'BadRequest', 'PATCH, application/apply-patch+yaml requires fieldManager');
      return;
    }
    const applied = this.store.apply(plural, namespace, route.name ?? '', parsed, query.fieldManager);
    json(res, applied.created ? 201 : 200, this.withKind(plural, applied.object));
  }

  private watch(res: ServerResponse, route: Route, query: Record<string, string>): void {
    const from = query.resourceVersion === undefined || query.resourceVersion === '' ? undefined : Number(query.resourceVersion);
    if (from !== undefined && from !== 0 && from <= this.store.compacted) {
      const message = `too old resource version: ${from} (${this.store.compacted + 1})`;
      if (this.goneAsHttpStatus) {
        status(res, 410, 'Expired', message);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410 } })}\n`);
      return;
    }
    const selector = parseLabelSelector(query.labelSelector ?? null);
    const matches = (e: StoredEvent): boolean => e.plural === route.plural && e.namespace === route.namespace && selector(e.object.metadata.labels ?? {});
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const send = (type: string, object: StoredObject): void => {
      res.write(`${JSON.stringify({ type, object: this.withKind(route.plural, object) })}\n`);
    };
    if (from === undefined || from === 0) for (const o of this.store.list(route.plural, route.namespace, selector)) send('ADDED', o);
    else for (const e of this.store.history) if (e.rv > from && matches(e)) send(e.type, e.object);
    const unsubscribe = this.store.onEvent((e) => {
      if (matches(e)) send(e.type, e.object);
    });
    const timeoutS = Number(query.timeoutSeconds ?? '0');
    const timer = timeoutS > 0 ? setTimeout(() => res.end(), timeoutS * 1000) : undefined;
    const open: OpenWatch = {
      res, route,
      stop: () => {
        unsubscribe();
        clearTimeout(timer);
        this.watches.delete(open);
      },
    };
    this.watches.add(open);
    res.on('close', open.stop);
  }

  private withKind(plural: string, o: StoredObject): StoredObject {
    const r = RESOURCES[plural];
    return r === undefined ? o : { ...o, apiVersion: `${r.group}/${r.version}`, kind: r.kind };
  }
}

function verbOf(method: string, route: Route | undefined, query: Record<string, string>): Verb {
  if (route === undefined) return 'other';
  if (method === 'GET') return route.name !== undefined ? 'get' : query.watch === 'true' || query.watch === '1' ? 'watch' : 'list';
  if (method === 'POST') return 'create';
  if (method === 'PATCH') return 'patch';
  if (method === 'DELETE') return 'delete';
  return 'other';
}

function details(route: Route): Record<string, string> {
  return { name: route.name ?? '', group: route.group, kind: route.plural };
}

function forbidden(res: ServerResponse, verb: Verb, route: Route): void {
  const what = route.name === undefined ? `${route.plural}.${route.group}` : `${route.plural}.${route.group} "${route.name}"`;
  status(res, 403, 'Forbidden', `${what} is forbidden: User "${USER}" cannot ${verb} resource "${route.plural}" in API group "${route.group}" in the namespace "${route.namespace}"`, details(route));
}

function notFound(res: ServerResponse, route: Route): void {
  status(res, 404, 'NotFound', `${route.plural}.${route.group} "${route.name ?? ''}" not found`, details(route));
}

function status(res: ServerResponse, code: number, reason: string, message: string, detail?: Record<string, string>): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(detail === undefined ? {} : { details: detail }), code });
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
